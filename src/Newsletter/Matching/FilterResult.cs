namespace Newsletter.Matching;

/// <summary>One distinct filter evaluated over a run's window: its hits best first, and a lookup by paper.</summary>
/// <remarks>
/// A run keeps one of these per distinct filter for its whole length (a keyword is used by readers all through the
/// run, so none can be dropped early), so it is stored as flat arrays in paper order: 16 bytes a hit (a paper as its
/// distance from the first one, its relevance, its upvotes), 20 once an order was asked for. A filter that matched
/// nothing (most keywords) holds no arrays of its own.
/// </remarks>
internal sealed class FilterResult
{
    public static readonly FilterResult None = new("", []);

    private readonly long _first;      // the lowest matched paper: _offsets count from it
    private readonly int[] _offsets;   // ascending, for the lookup by paper
    private readonly double[] _ranks;  // aligned with _offsets: relevance
    private readonly int[] _upvotes;   // aligned with _offsets: 0 when none
    private int[]? _byRelevance;       // indexes into the arrays above, in each order; built when first asked for
    private int[]? _byTrending;
    private int[]?[]? _marks;          // aligned with _offsets: each paper's highlights, once decided (AbstractMarks)
    private readonly int[]? _byOffset; // with dense: 1 + the index of each offset's match, 0 where none

    /// <param name="hits">The filter's matches, in any order (sorted in place; the caller may reuse the buffer).</param>
    /// <param name="query">The FTS5 query that found them, asked again for highlights; null when none ran.</param>
    /// <param name="dense">
    /// Look matches up by paper in one step (an array over the matched papers' span) instead of a binary search: for
    /// the catalog's topics, which nearly every reader names and which match a good part of any window.
    /// </param>
    public FilterResult(string label, Span<FilterHit> hits, string? query = null, bool dense = false)
    {
        Label = label;
        Labels = new MatchedLabels([label], [(this, -1)]);
        Query = query;
        if (hits.IsEmpty)
        {
            (_offsets, _ranks, _upvotes, _byRelevance, _byTrending) = ([], [], [], [], []);
            return;
        }
        hits.Sort(static (a, b) => a.Paper.CompareTo(b.Paper));
        _first = hits[0].Paper;
        // A window's papers are one run of ids, far fewer than int.MaxValue apart.
        if (hits[^1].Paper - _first > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(hits), "papers too far apart for one window");
        _offsets = new int[hits.Length];
        _ranks = new double[hits.Length];
        _upvotes = new int[hits.Length];
        for (var i = 0; i < hits.Length; i++)
            (_offsets[i], _ranks[i], _upvotes[i]) = ((int)(hits[i].Paper - _first), hits[i].Rank, hits[i].Upvotes);
        if (!dense) return;
        _byOffset = new int[_offsets[^1] + 1];
        for (var i = 0; i < _offsets.Length; i++) _byOffset[_offsets[i]] = i + 1;
    }

    /// <summary>How the filter is named in a digest: the topic slug or the keyword query.</summary>
    public string Label { get; }

    /// <summary>Just <see cref="Label"/>: the labels of a paper only this filter matched, shared by every such item.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The FTS5 query that found the matches (null when none ran): highlighting asks it what it matched.</summary>
    public string? Query { get; }

    /// <summary>Number of matches.</summary>
    public int Count => _offsets.Length;

    /// <summary>
    /// The positions of the matches in <paramref name="order"/>, best first: sorted once per filter and order, not once
    /// per reader. Papers ascend with the index, so comparing indexes breaks ties in listing order.
    /// </summary>
    public int[] InOrder(DigestOrder order)
    {
        ref var sorted = ref (order == DigestOrder.Trending ? ref _byTrending : ref _byRelevance);
        if (sorted is not null) return sorted;
        var positions = new int[_offsets.Length];
        for (var i = 0; i < positions.Length; i++) positions[i] = i;
        Array.Sort(positions, (a, b) => Ranking.Compare(At(a), At(b), order));
        return sorted = positions;
    }

    /// <summary>The match at index <paramref name="index"/> of <see cref="InOrder"/>'s positions.</summary>
    public FilterHit At(int index) => new(_first + _offsets[index], _ranks[index], _upvotes[index]);

    /// <summary>The paper of the match at <paramref name="index"/>.</summary>
    public long PaperAt(int index) => _first + _offsets[index];

    /// <summary>The relevance of the match at <paramref name="index"/> (see <see cref="IndexOf"/>).</summary>
    public double RankAt(int index) => _ranks[index];

    /// <summary>The index of a matched <paramref name="paper"/>, or -1 when the filter did not match it.</summary>
    public int IndexOf(long paper)
    {
        var offsets = _offsets;
        var distance = paper - _first;
        if ((ulong)distance > int.MaxValue) return -1;
        var offset = (int)distance;
        if (_byOffset is { } byOffset) return offset < byOffset.Length ? byOffset[offset] - 1 : -1;
        // Asked for every filter of every paper a reader gets (millions of times a run): a plain loop is several
        // times faster than Array.BinarySearch, which goes through the generic comparer.
        int low = 0, high = offsets.Length - 1;
        while (low <= high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            var at = offsets[mid];
            if (at == offset) return mid;
            if (at < offset) low = mid + 1;
            else high = mid - 1;
        }
        return -1;
    }

    /// <summary>Whether the highlights of the match at <paramref name="index"/> were decided (see <see cref="SetMarks"/>).</summary>
    public bool HasMarks(int index) => _marks?[index] is not null;

    /// <summary>The highlights decided for the match at <paramref name="index"/>; empty when none were (yet).</summary>
    public int[] MarksOf(int index) => _marks?[index] ?? [];

    /// <summary>
    /// Records the spans of the abstract of the match at <paramref name="index"/> that the filter's query matched
    /// (decided once per run, kept with the filter's other results rather than in a table of their own).
    /// </summary>
    public void SetMarks(int index, int[] spans) => (_marks ??= new int[]?[_offsets.Length])[index] = spans;
}
