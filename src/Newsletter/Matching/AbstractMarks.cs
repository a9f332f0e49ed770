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
    /// Each list with its items' <see cref="DigestItem.Marks"/> set; a list given twice (readers who share a
    /// ranking) comes back as one list, so the ledger still freezes it once.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<DigestItem>> Mark(IReadOnlyList<IReadOnlyList<DigestItem>> lists)
    {
        var asked = new List<(FilterResult Result, long Paper)>();
        var queries = new List<(long Paper, string Query)>();
        foreach (var list in lists)
        {
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

        var marked = new Dictionary<IReadOnlyList<DigestItem>, IReadOnlyList<DigestItem>>(ReferenceEqualityComparer.Instance);
        var result = new IReadOnlyList<DigestItem>[lists.Count];
        for (var l = 0; l < lists.Count; l++)
        {
            if (!marked.TryGetValue(lists[l], out var list))
                marked[lists[l]] = list = lists[l].Select(i => i with { Marks = Union(i) }).ToList();
            result[l] = list;
        }
        return result;
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
