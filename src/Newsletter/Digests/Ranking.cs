using System.Runtime.CompilerServices;
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
    /// The reader's top <paramref name="max"/> papers among <paramref name="filters"/> that are new to them.
    /// Each filter's hits are already in rank order, so merging the lists (always taking the best head) meets every
    /// paper first at its best rank and meets the top papers first: the merge stops after <paramref name="max"/>
    /// distinct papers, and the cost per reader is about filters × max, whatever the window holds.
    /// </summary>
    // A planning run lasts seconds, too short for tiered compilation to catch up with this hot loop.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static IReadOnlyList<DigestItem> Top(ReadOnlySpan<FilterResult> filters, NewPapers isNew, int max, Scratch scratch)
    {
        var cursors = scratch.Cursors(filters.Length);
        var chosen = scratch.Chosen;
        chosen.Clear();
        while (chosen.Count < max)
        {
            var best = -1;
            var bestHit = default(FilterHit);
            for (var f = 0; f < filters.Length; f++)
            {
                var filter = filters[f];
                var c = cursors[f];
                while (c < filter.Count && !isNew.Contains(filter[c].Paper)) c++;
                cursors[f] = c;
                if (c == filter.Count) continue;
                var head = filter[c];
                if (best < 0 || Compare(head, bestHit) < 0) (best, bestHit) = (f, head);
            }
            if (best < 0) break;
            cursors[best]++;
            if (!Contains(chosen, bestHit.Paper)) chosen.Add(bestHit);
        }
        var items = new List<DigestItem>(chosen.Count);
        var labels = scratch.Labels;
        foreach (var top in chosen)
        {
            // A reader's filters are distinct (kind, value) pairs, so their labels are too. Insertion keeps filters
            // of equal rank in the reader's order.
            labels.Clear();
            FilterResult? matched = null;
            foreach (var filter in filters)
            {
                if (!filter.TryGetRank(top.Paper, out var rank)) continue;
                matched = filter;
                var at = labels.Count;
                while (at > 0 && labels[at - 1].Rank < rank) at--;
                labels.Insert(at, (filter.Label, rank));
            }
            // Most papers match one of the reader's filters: share that filter's one-label list instead of
            // allocating one per item (two million items a run at 100,000 readers).
            IReadOnlyList<string> names;
            if (labels.Count == 1) names = matched!.Labels;
            else
            {
                var several = new string[labels.Count];
                for (var l = 0; l < several.Length; l++) several[l] = labels[l].Label;
                names = several;
            }
            items.Add(new DigestItem(top.Paper, names, Math.Round(top.Rank, 4)));
        }
        return items;
    }

    private static bool Contains(List<FilterHit> chosen, long paper)
    {
        foreach (var hit in chosen)
        {
            if (hit.Paper == paper) return true;
        }
        return false;
    }

    /// <summary>Buffers reused from reader to reader within one run, so ranking allocates little per reader.</summary>
    public sealed class Scratch
    {
        private int[] _cursors = new int[8];

        public List<FilterHit> Chosen { get; } = new();
        public List<(string Label, double Rank)> Labels { get; } = new();

        /// <summary>One position per filter, all at the start.</summary>
        public Span<int> Cursors(int filters)
        {
            if (_cursors.Length < filters) _cursors = new int[filters];
            var cursors = _cursors.AsSpan(0, filters);
            cursors.Clear();
            return cursors;
        }
    }
}
