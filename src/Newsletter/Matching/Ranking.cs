
namespace Newsletter.Matching;

/// <summary>
/// How a reader's papers are chosen and ordered, in the reader's <see cref="DigestOrder"/>: trending puts the most
/// upvoted first and then the best match (papers without upvotes after every upvoted one, best match first);
/// relevance puts the best match first. Ties keep listing order; capped; each paper once, labelled with every filter
/// it matched, best match first. The planner and every preview rank through here.
/// </summary>
internal static class Ranking
{
    /// <summary>Negative when <paramref name="a"/> comes first in <paramref name="order"/>; equal hits keep listing (ingest) order.</summary>
    public static int Compare(FilterHit a, FilterHit b, DigestOrder order)
    {
        if (order == DigestOrder.Trending && a.Upvotes != b.Upvotes) return b.Upvotes.CompareTo(a.Upvotes);
        var byRank = b.Rank.CompareTo(a.Rank);
        return byRank != 0 ? byRank : a.Paper.CompareTo(b.Paper);
    }

    /// <summary>
    /// The reader's top <paramref name="max"/> papers among <paramref name="filters"/> that are new to them, in
    /// <paramref name="order"/>. A paper's upvotes are the same in every filter, so each filter's hits are already in
    /// the reader's order, so merging the lists (always taking the best head) meets every
    /// paper first at its best rank and meets the top papers first: the merge stops after <paramref name="max"/>
    /// distinct papers, and the cost per reader is about filters × max, whatever the window holds. With
    /// <paramref name="marks"/> (a planning run that marks its pages) each item is handed over as it is made, with the
    /// matches its labels were found from (<see cref="AbstractMarks.Made"/>).
    /// </summary>
    public static IReadOnlyList<DigestItem> Top(ReadOnlySpan<FilterResult> filters, NewPapers isNew, int max, DigestOrder order,
        AbstractMarks? marks = null)
    {
        // Each filter's head (its best paper new to the reader not taken yet) is found once and again only when it
        // is taken: the heads of the filters not taken from stay where they were. Everything a reader's ranking
        // keeps for itself is on the stack: a run ranks a million readers, and only the items outlive it.
        Span<int> cursors = filters.Length <= 64 ? stackalloc int[filters.Length] : new int[filters.Length];
        Span<FilterHit> heads = filters.Length <= 64 ? stackalloc FilterHit[filters.Length] : new FilterHit[filters.Length];
        for (var f = 0; f < filters.Length; f++) heads[f] = Head(filters[f], order, isNew, ref cursors[f]);
        Span<long> papers = max <= 64 ? stackalloc long[max] : new long[max];
        Span<double> scores = max <= 64 ? stackalloc double[max] : new double[max];
        var count = 0;
        while (count < max)
        {
            var best = -1;
            for (var f = 0; f < filters.Length; f++)
            {
                if (cursors[f] < 0) continue;
                if (best < 0 || Compare(heads[f], heads[best], order) < 0) best = f;
            }
            if (best < 0) break;
            var bestHit = heads[best];
            cursors[best]++;
            heads[best] = Head(filters[best], order, isNew, ref cursors[best]);
            if (papers[..count].Contains(bestHit.Paper)) continue;
            (papers[count], scores[count]) = (bestHit.Paper, bestHit.Rank);
            count++;
        }
        var items = new List<DigestItem>(count);
        // Which of the reader's filters matched a chosen paper: the filter, the paper's index among its matches, its rank.
        Span<(int Filter, int Index, double Rank)> labels = filters.Length <= 64
            ? stackalloc (int, int, double)[filters.Length]
            : new (int, int, double)[filters.Length];
        for (var c = 0; c < count; c++)
        {
            var paper = papers[c];
            // A reader's filters are distinct (kind, value) pairs, so their labels are too. Insertion keeps filters
            // of equal rank in the reader's order.
            var found = 0;
            for (var f = 0; f < filters.Length; f++)
            {
                // Most keywords matched nothing: they label no paper.
                if (filters[f].Count == 0) continue;
                var index = filters[f].IndexOf(paper);
                if (index < 0) continue;
                var rank = filters[f].RankAt(index);
                var at = found++;
                for (; at > 0 && labels[at - 1].Rank < rank; at--) labels[at] = labels[at - 1];
                labels[at] = (f, index, rank);
            }
            // Most papers match one of the reader's filters: share that filter's one-label list instead of
            // allocating one per item (two million items a run at 100,000 readers).
            if (found == 1)
            {
                var (result, index) = (filters[labels[0].Filter], labels[0].Index);
                var item = new DigestItem(paper, result.Labels, Math.Round(scores[c], 4));
                marks?.Made(item, [(result, index)]);
                items.Add(item);
            }
            else
            {
                var matches = new (FilterResult, int)[found];
                for (var l = 0; l < found; l++) matches[l] = (filters[labels[l].Filter], labels[l].Index);
                var item = new DigestItem(paper, new MatchedLabels(matches), Math.Round(scores[c], 4));
                marks?.Made(item, matches);
                items.Add(item);
            }
        }
        marks?.HandedOver(items);
        return items;
    }

    /// <summary>
    /// The first match of <paramref name="filter"/> in <paramref name="order"/> from <paramref name="cursor"/> on that is new to
    /// the reader, moving the cursor to it; the cursor becomes -1 when none is left.
    /// </summary>
    private static FilterHit Head(FilterResult filter, DigestOrder order, NewPapers isNew, ref int cursor)
    {
        var (c, count) = (cursor, filter.Count);
        while (c < count && !isNew.Contains(filter.PaperAt(filter.InOrder(order, c)))) c++;
        cursor = c < count ? c : -1;
        return cursor < 0 ? default : filter.At(filter.InOrder(order, c));
    }
}
