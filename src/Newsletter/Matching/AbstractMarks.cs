using System.Runtime.InteropServices;

namespace Newsletter.Matching;

/// <summary>
/// Decides, when planning, which words of each frozen paper's abstract to highlight: the words its labels' queries
/// matched (<see cref="DigestItem.Marks"/>). Each (paper, label) is asked once per run, in one batch per page of
/// readers: a run freezes the same few thousand pairs into many digests. The questions go to the window's own index
/// (<see cref="WindowIndexStore.Spans"/>), where the papers already are and each costs about one tokenised abstract;
/// the answers are kept beside the label's matches (<see cref="FilterResult.SetMarks"/>), which the run holds anyway.
/// </summary>
/// <remarks>
/// Once a run has marked a page, ranking hands each item it makes to <see cref="Made"/> with the matches it has just
/// looked up: an item whose pairs were all decided on earlier pages (nearly all of them) takes its marks there and
/// then, and only the rest wait for the page's questions. So marking a page costs the page's new pairs, not a second
/// look at its two million (item, label)s.
/// </remarks>
/// <param name="resultOf">The evaluated filter a label names, or null (a recommendation, a topic gone from the catalog).</param>
internal sealed class AbstractMarks(WindowIndexStore store, Func<string, FilterResult?> resultOf)
{
    // The page's questions: each (filter, match) once, with the paper and query asked about it.
    private readonly HashSet<(FilterResult Result, int Index)> _asking = [];
    private readonly List<(FilterResult Result, int Index)> _asked = [];
    private readonly List<(long Paper, string Query, int Matches)> _queries = [];
    // Items that name a pair asked this page, each with its matches (Count of them from First in _matches).
    private readonly List<(DigestItem Item, int First, int Count)> _waiting = [];
    private readonly List<(FilterResult Result, int Index)> _matches = [];
    // Lists ranking made whole since the last Mark: each of their items was handed to Made, so Mark need not walk them.
    private readonly HashSet<object> _handedOver = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Takes in an item just ranked, given its labels' filters and where its paper is among each one's matches (in
    /// label order): its marks are set now when every pair is decided, else once its page is marked.
    /// </summary>
    public void Made(DigestItem item, ReadOnlySpan<(FilterResult Result, int Index)> matches)
    {
        item.MarksTaken = true;
        var decided = true;
        foreach (var (result, index) in matches)
        {
            // A label with no query marks nothing; a pair decided on an earlier page is not asked again.
            if (index < 0 || result.Query is not { } query || result.HasMarks(index)) continue;
            decided = false;
            if (!_asking.Add((result, index))) continue;
            _asked.Add((result, index));
            _queries.Add((item.Paper, query, result.Count));
        }
        if (decided)
        {
            item.Marks = Union(matches);
            return;
        }
        _waiting.Add((item, _matches.Count, matches.Length));
        _matches.AddRange(matches);
    }

    /// <summary>Takes in a list ranking made, every item of which it handed to <see cref="Made"/>.</summary>
    public void HandedOver(IReadOnlyList<DigestItem> items) => _handedOver.Add(items);

    /// <summary>
    /// Sets the <see cref="DigestItem.Marks"/> of every item of <paramref name="lists"/> and of every item handed to
    /// <see cref="Made"/> since the last call, in place: a ranked item belongs to the run until it is frozen. A list
    /// given twice is marked once.
    /// </summary>
    public void Mark(IReadOnlyList<IReadOnlyList<DigestItem>> lists)
    {
        var found = new List<(FilterResult Result, int Index)>();
        foreach (var list in lists)
        {
            if (_handedOver.Contains(list)) continue;
            foreach (var item in list)
            {
                if (item.MarksTaken) continue;
                // Not handed over by ranking (the run's first page, a preview, items made elsewhere): its labels are
                // looked up, through the filters a ranked item names, else by label.
                found.Clear();
                var ranked = item.Labels as MatchedLabels;
                for (var l = 0; l < item.Labels.Count; l++)
                {
                    var (filter, index) = ranked is not null ? ranked.MatchAt(l) : (resultOf(item.Labels[l]), -1);
                    if (filter is not null && index < 0) index = filter.IndexOf(item.Paper);
                    if (filter is not null && index >= 0) found.Add((filter, index));
                }
                Made(item, CollectionsMarshal.AsSpan(found));
            }
        }
        var spans = store.Spans(_queries);
        for (var i = 0; i < _asked.Count; i++) _asked[i].Result.SetMarks(_asked[i].Index, spans[i]);
        var matches = CollectionsMarshal.AsSpan(_matches);
        foreach (var (item, first, count) in _waiting) item.Marks = Union(matches.Slice(first, count));
        _asking.Clear();
        _handedOver.Clear();
        _asked.Clear();
        _queries.Clear();
        _waiting.Clear();
        _matches.Clear();
    }

    /// <summary>The spans of an item's labels' matches, overlapping ones merged as highlight() merges a query's matches.</summary>
    private static int[]? Union(ReadOnlySpan<(FilterResult Result, int Index)> matches)
    {
        int[]? only = null;
        int several = 0, total = 0;
        foreach (var (result, index) in matches)
        {
            var spans = result.MarksOf(index);
            if (spans.Length == 0) continue;
            only ??= spans;
            several++;
            total += spans.Length;
        }
        if (several < 2) return only;
        var lists = new int[several][];
        several = 0;
        foreach (var (result, index) in matches)
        {
            if (result.MarksOf(index) is { Length: > 0 } spans) lists[several++] = spans;
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
