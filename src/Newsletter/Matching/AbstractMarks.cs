namespace Newsletter.Matching;

/// <summary>
/// Decides, when planning, which words of each frozen paper's abstract to highlight: the words its labels' queries
/// matched (<see cref="DigestItem.Marks"/>). Each (paper, label) is asked once per run, in one batch per page of
/// readers: a run freezes the same few thousand pairs into many digests. The questions go to the window's own index
/// (<see cref="WindowIndexStore.Spans"/>), where the papers already are and each costs about one tokenised abstract;
/// the answers are kept beside the label's matches (<see cref="FilterResult.SetMarks"/>), which the run holds anyway.
/// </summary>
/// <param name="resultOf">The evaluated filter a label names, or null (a recommendation, a topic gone from the catalog).</param>
internal sealed class AbstractMarks(WindowIndexStore store, Func<string, FilterResult?> resultOf)
{
    // Kept from page to page (emptied after each): a page's lists are large objects, and new ones each page waited
    // for a full collection (tens of MB of a 1,000,000-reader run's peak, BENCHMARKS).
    private readonly List<(FilterResult? Result, int Index)> _matches = [];
    private readonly List<(FilterResult Result, int Index)> _asked = [];
    private readonly List<(long Paper, string Query)> _queries = [];

    /// <summary>
    /// Sets each item's <see cref="DigestItem.Marks"/>, in place: a ranked item belongs to the run until it is frozen,
    /// and copying every item of every list to add its marks cost more than deciding them. A list given twice
    /// is marked once.
    /// </summary>
    public void Mark(IReadOnlyList<IReadOnlyList<DigestItem>> lists)
    {
        var distinct = new HashSet<IReadOnlyList<DigestItem>>(lists.Count, ReferenceEqualityComparer.Instance);
        var marked = new List<IReadOnlyList<DigestItem>>(lists.Count);
        // Each (item, label) is resolved to its filter's match once, in this pass, and the union below reads the
        // same entries in the same order.
        var (matches, asked, queries) = (_matches, _asked, _queries);
        Empty();
        foreach (var list in lists)
        {
            if (!distinct.Add(list)) continue;
            marked.Add(list);
            foreach (var item in list)
            {
                // A ranked item names its filters (MatchedLabels); items made elsewhere are looked up by label.
                var ranked = item.Labels as MatchedLabels;
                for (var l = 0; l < item.Labels.Count; l++)
                {
                    var filter = ranked is not null ? ranked.ResultAt(l) : resultOf(item.Labels[l]);
                    var index = filter?.IndexOf(item.Paper) ?? -1;
                    matches.Add((index < 0 ? null : filter, index));
                    // A label with no query marks nothing; a pair already decided (or met before in this page) is not asked again.
                    if (index < 0 || filter!.Query is not { } query || filter.HasMarks(index)) continue;
                    filter.SetMarks(index, []);
                    asked.Add((filter, index));
                    queries.Add((item.Paper, query));
                }
            }
        }
        var spans = store.Spans(queries);
        for (var i = 0; i < asked.Count; i++) asked[i].Result.SetMarks(asked[i].Index, spans[i]);
        var next = 0;
        foreach (var list in marked)
        {
            foreach (var item in list)
            {
                item.Marks = Union(matches, next, item.Labels.Count);
                next += item.Labels.Count;
            }
        }
        Empty();
    }

    /// <summary>Empties the page's lists, keeping their room (and no filter alive through them).</summary>
    private void Empty()
    {
        _matches.Clear();
        _asked.Clear();
        _queries.Clear();
    }

    /// <summary>
    /// The spans of an item's labels (its <paramref name="count"/> matches from <paramref name="first"/>), overlapping
    /// ones merged as highlight() merges a query's matches.
    /// </summary>
    private static int[]? Union(List<(FilterResult? Result, int Index)> matches, int first, int count)
    {
        int[]? only = null;
        int several = 0, total = 0;
        for (var m = first; m < first + count; m++)
        {
            var (result, index) = matches[m];
            var spans = result?.MarksOf(index) ?? [];
            if (spans.Length == 0) continue;
            only ??= spans;
            several++;
            total += spans.Length;
        }
        if (several < 2) return only;
        var lists = new int[several][];
        several = 0;
        for (var m = first; m < first + count; m++)
        {
            var (result, index) = matches[m];
            if (result?.MarksOf(index) is { Length: > 0 } spans) lists[several++] = spans;
        }
        // Each label's spans ascend and do not overlap, so one pass over all of them in (start, end) order, always
        // taking the lowest head, merges them: no pairs to list and sort for each item that several labels matched.
        Span<int> heads = stackalloc int[lists.Length];
        var merged = total <= 256 ? stackalloc int[total] : new int[total];
        var length = 0;
        while (true)
        {
            var best = -1;
            for (var l = 0; l < lists.Length; l++)
            {
                if (heads[l] + 1 >= lists[l].Length) continue;
                if (best < 0 || Before(lists[l], heads[l], lists[best], heads[best])) best = l;
            }
            if (best < 0) break;
            var (start, end) = (lists[best][heads[best]], lists[best][heads[best] + 1]);
            heads[best] += 2;
            if (length > 0 && start < merged[length - 1]) merged[length - 1] = Math.Max(merged[length - 1], end);
            else (merged[length], merged[length + 1], length) = (start, end, length + 2);
        }
        return merged[..length].ToArray();
    }

    /// <summary>Whether the span at <paramref name="a"/>[<paramref name="at"/>] comes before the one at <paramref name="b"/>[<paramref name="bt"/>].</summary>
    private static bool Before(int[] a, int at, int[] b, int bt) => a[at] < b[bt] || (a[at] == b[bt] && a[at + 1] < b[bt + 1]);
}
