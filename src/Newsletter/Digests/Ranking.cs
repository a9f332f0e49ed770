using Newsletter.Delivery;

namespace Newsletter.Digests;

/// <summary>
/// How a reader's papers are chosen and ordered: by the best rank among their filters (relevance boosted by
/// upvotes), ties in listing order, capped; each paper once, labelled with every filter it matched, best first.
/// </summary>
internal static class Ranking
{
    /// <summary>Relevance boosted by upvotes: none or zero leaves it as is, 10 gives about 1.6×, 100 about 2.2×.</summary>
    public static double Boost(double relevance, int? upvotes) =>
        upvotes is > 0 ? relevance * (1 + Math.Log(1 + upvotes.Value) / 4) : relevance;

    private static readonly Comparison<FilterHit> ByRank = Compare;
    private static readonly Comparison<(string Label, double Rank)> LabelByRank = (a, b) => b.Rank.CompareTo(a.Rank);

    /// <summary>Higher rank first; equal ranks keep listing (ingest) order.</summary>
    public static int Compare(FilterHit a, FilterHit b)
    {
        var byRank = b.Rank.CompareTo(a.Rank);
        return byRank != 0 ? byRank : a.Paper.CompareTo(b.Paper);
    }

    /// <summary>
    /// The reader's top <paramref name="max"/> papers among <paramref name="filters"/> that pass <paramref name="isNew"/>.
    /// A paper in the top is among the first <paramref name="max"/> new hits of the filter that ranks it best (every
    /// paper that filter ranks higher is above it too), so walking each filter that far finds the top and each
    /// one's best rank: the cost per reader is filters × max, whatever the window holds.
    /// </summary>
    public static List<DigestItem> Top(IReadOnlyList<FilterResult> filters, Func<long, bool> isNew, int max, Scratch scratch)
    {
        var best = scratch.Best;
        best.Clear();
        foreach (var filter in filters)
        {
            var taken = 0;
            foreach (var hit in filter.Hits)
            {
                if (!isNew(hit.Paper)) continue;
                if (!best.TryGetValue(hit.Paper, out var rank) || hit.Rank > rank) best[hit.Paper] = hit.Rank;
                if (++taken == max) break;
            }
        }
        var ranked = scratch.Ranked;
        ranked.Clear();
        foreach (var (paper, rank) in best) ranked.Add(new FilterHit(paper, rank));
        ranked.Sort(ByRank);
        var items = new List<DigestItem>(Math.Min(max, ranked.Count));
        var labels = scratch.Labels;
        for (var i = 0; i < ranked.Count && i < max; i++)
        {
            var top = ranked[i];
            // A reader's filters are distinct (kind, value) pairs, so their labels are too.
            labels.Clear();
            foreach (var filter in filters)
            {
                if (filter.TryGetRank(top.Paper, out var rank)) labels.Add((filter.Label, rank));
            }
            labels.Sort(LabelByRank);
            var names = new string[labels.Count];
            for (var l = 0; l < names.Length; l++) names[l] = labels[l].Label;
            items.Add(new DigestItem(top.Paper, names, Math.Round(top.Rank, 4)));
        }
        return items;
    }

    /// <summary>Buffers reused from reader to reader within one run, so ranking allocates little per reader.</summary>
    public sealed class Scratch
    {
        public Dictionary<long, double> Best { get; } = new();
        public List<FilterHit> Ranked { get; } = new();
        public List<(string Label, double Rank)> Labels { get; } = new();
    }
}
