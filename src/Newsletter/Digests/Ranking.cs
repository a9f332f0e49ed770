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

    /// <summary>Higher rank first; equal ranks keep listing (ingest) order.</summary>
    public static int Compare(FilterHit a, FilterHit b)
    {
        var byRank = b.Rank.CompareTo(a.Rank);
        return byRank != 0 ? byRank : a.Paper.CompareTo(b.Paper);
    }

    /// <summary>
    /// The reader's top <paramref name="max"/> papers among <paramref name="filters"/> that pass <paramref name="isNew"/>.
    /// Only each filter's first <paramref name="max"/> new papers can make the top, so the cost per reader is
    /// filters × max, whatever the window holds.
    /// </summary>
    public static List<DigestItem> Top(IReadOnlyList<FilterResult> filters, Func<long, bool> isNew, int max)
    {
        var candidates = new HashSet<long>();
        foreach (var filter in filters)
        {
            var taken = 0;
            foreach (var hit in filter.Hits)
            {
                if (!isNew(hit.Paper)) continue;
                candidates.Add(hit.Paper);
                if (++taken == max) break;
            }
        }
        var ranked = new List<(FilterHit Best, List<(string Label, double Rank)> Labels)>(candidates.Count);
        foreach (var paper in candidates)
        {
            var labels = new List<(string Label, double Rank)>(filters.Count);
            foreach (var filter in filters)
            {
                if (filter.TryGetRank(paper, out var rank) && !labels.Exists(l => l.Label == filter.Label)) labels.Add((filter.Label, rank));
            }
            labels.Sort((a, b) => b.Rank.CompareTo(a.Rank));
            ranked.Add((new FilterHit(paper, labels[0].Rank), labels));
        }
        ranked.Sort((a, b) => Compare(a.Best, b.Best));
        return ranked.Take(max)
            .Select(r => new DigestItem(r.Best.Paper, r.Labels.Select(l => l.Label).ToList(), Math.Round(r.Best.Rank, 4)))
            .ToList();
    }
}
