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
    /// <summary>
    /// Sets each item's <see cref="DigestItem.Marks"/>, in place: a ranked item belongs to the run until it is frozen,
    /// and copying every item of every list to add its marks cost more than deciding them. A list given twice
    /// is marked once.
    /// </summary>
    public void Mark(IReadOnlyList<IReadOnlyList<DigestItem>> lists)
    {
        var distinct = new HashSet<IReadOnlyList<DigestItem>>(lists.Count, ReferenceEqualityComparer.Instance);
        var asked = new List<(FilterResult Result, long Paper)>();
        var queries = new List<(long Paper, string Query)>();
        foreach (var list in lists)
        {
            if (!distinct.Add(list)) continue;
            foreach (var item in list)
            {
                foreach (var label in item.Labels)
                {
                    // A label with no query marks nothing.
                    if (resultOf(label) is not { Query: { } query } filter || filter.HasMarks(item.Paper)) continue;
                    // Reserved at once, so a pair met twice in the page is asked once.
                    filter.SetMarks(item.Paper, []);
                    asked.Add((filter, item.Paper));
                    queries.Add((item.Paper, query));
                }
            }
        }
        var spans = store.Spans(queries);
        for (var i = 0; i < asked.Count; i++) asked[i].Result.SetMarks(asked[i].Paper, spans[i]);
        foreach (var list in distinct)
        {
            foreach (var item in list) item.Marks = Union(item);
        }
    }

    /// <summary>The spans of all the item's labels, overlapping ones merged as highlight() merges a query's matches.</summary>
    private int[]? Union(DigestItem item)
    {
        int[]? only = null;
        List<(int Start, int End)>? several = null;
        foreach (var label in item.Labels)
        {
            var spans = resultOf(label)?.MarksOf(item.Paper) ?? [];
            if (spans.Length == 0) continue;
            if (only is null && several is null)
            {
                only = spans;
                continue;
            }
            several ??= Pairs(only!);
            several.AddRange(Pairs(spans));
        }
        if (several is null) return only;
        several.Sort();
        var merged = new List<int>();
        foreach (var (start, end) in several)
        {
            if (merged.Count > 0 && start < merged[^1]) merged[^1] = Math.Max(merged[^1], end);
            else merged.AddRange([start, end]);
        }
        return merged.ToArray();
    }

    private static List<(int Start, int End)> Pairs(int[] spans)
    {
        var pairs = new List<(int, int)>(spans.Length / 2);
        for (var i = 0; i + 1 < spans.Length; i += 2) pairs.Add((spans[i], spans[i + 1]));
        return pairs;
    }
}
