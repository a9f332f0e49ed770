using System.Runtime.InteropServices;

namespace Newsletter.Matching;

/// <summary>
/// Decides, when planning, which words of each frozen paper's abstract to highlight: the words its labels' queries
/// matched (<see cref="DigestItem.Marks"/>). Each (paper, label) is asked once per run, in one batch per page of
/// readers: a run freezes the same few thousand pairs into many digests. The questions go to the window's own index
/// (<see cref="WindowIndexStore.Spans"/>), where the papers already are and each costs about one tokenised abstract;
/// the answers are kept in the run's <see cref="MarkBook"/>, and where each is beside the label's matches
/// (<see cref="FilterResult.SetMarks"/>), which the run holds anyway.
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
    // Every pair decided this run.
    private readonly MarkBook _book = new();
    // The merged spans of items several labels marked, one after another: an item's marks are a slice of the chunk
    // being filled, not an array each, and a chunk goes when the last item slicing it does (a page or two later).
    private const int MergedChunk = 4096; // ints (16 KB): a few hundred items' worth; the first are smaller (a preview's)
    private int[] _merged = [];
    private int _mergedUsed;

    /// <summary>
    /// Takes in an item just ranked, given its labels' filters and where its paper is among each one's matches (in
    /// label order): its marks are set now when every pair is decided, else once its batch is marked.
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
        for (var i = 0; i < _asked.Count; i++) _asked[i].Result.SetMarks(_asked[i].Index, _book.Add(spans[i]));
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
    private ReadOnlyMemory<int> Union(ReadOnlySpan<(FilterResult Result, int Index)> matches)
    {
        ReadOnlyMemory<int> only = default;
        int several = 0, total = 0;
        foreach (var (result, index) in matches)
        {
            var spans = _book.At(result.MarksAt(index));
            if (spans.IsEmpty) continue;
            if (several++ == 0) only = spans;
            total += spans.Length;
        }
        // One label's spans (most items) are that pair's own, sliced from the book.
        if (several < 2) return only;
        // The labels' spans side by side (list l from ends[l - 1] to ends[l]), so the merge needs no array of arrays.
        var all = total <= 256 ? stackalloc int[total] : new int[total];
        Span<int> heads = stackalloc int[several];
        Span<int> ends = stackalloc int[several];
        several = 0;
        var copied = 0;
        foreach (var (result, index) in matches)
        {
            var spans = _book.At(result.MarksAt(index)).Span;
            if (spans.IsEmpty) continue;
            spans.CopyTo(all[copied..]);
            heads[several] = copied;
            ends[several++] = copied += spans.Length;
        }
        if (_merged.Length - _mergedUsed < total)
            (_merged, _mergedUsed) = (new int[Math.Max(Math.Clamp(2 * _merged.Length, 256, MergedChunk), total)], 0);
        var merged = _merged.AsSpan(_mergedUsed, total);
        // Each label's spans ascend and do not overlap, so one pass over all of them in (start, end) order, always
        // taking the lowest head, merges them: no pairs to list and sort for each item that several labels matched.
        var length = 0;
        while (true)
        {
            var best = -1;
            for (var l = 0; l < heads.Length; l++)
            {
                if (heads[l] + 1 >= ends[l]) continue;
                if (best < 0 || Before(all, heads[l], heads[best])) best = l;
            }
            if (best < 0) break;
            var (start, end) = (all[heads[best]], all[heads[best] + 1]);
            heads[best] += 2;
            if (length > 0 && start < merged[length - 1]) merged[length - 1] = Math.Max(merged[length - 1], end);
            else (merged[length], merged[length + 1], length) = (start, end, length + 2);
        }
        var union = _merged.AsMemory(_mergedUsed, length);
        _mergedUsed += length;
        return union;
    }

    /// <summary>Whether the span at <paramref name="a"/> of <paramref name="all"/> comes before the one at <paramref name="b"/>.</summary>
    private static bool Before(Span<int> all, int a, int b) => all[a] < all[b] || (all[a] == all[b] && all[a + 1] < all[b + 1]);
}
