namespace Newsletter.Matching;

/// <summary>One distinct filter evaluated over a run's window: its hits best first, and a lookup by paper.</summary>
/// <remarks>
/// A run keeps one of these per distinct filter for its whole length, so it is stored as flat arrays (24 bytes a hit,
/// 28 once both orders were asked for) rather than a hit array plus a dictionary (about 50 bytes a hit).
/// </remarks>
internal sealed class FilterResult
{
    public static readonly FilterResult None = new("", []);

    private readonly long[] _papers;   // ascending, for the lookup by paper
    private readonly double[] _ranks;  // aligned with _papers: relevance
    private readonly int[] _upvotes;   // aligned with _papers: 0 when none
    private int[]? _byRelevance;       // indexes into the arrays above, in each order; built when first asked for
    private int[]? _byTrending;
    private int[]?[]? _marks;          // aligned with _papers: each paper's highlights, once decided (AbstractMarks)

    /// <param name="hits">The filter's matches, in any order (sorted in place; the caller may reuse the buffer).</param>
    /// <param name="query">The FTS5 query that found them, asked again for highlights; null when none ran.</param>
    public FilterResult(string label, Span<FilterHit> hits, string? query = null)
    {
        Label = label;
        Labels = [label];
        Query = query;
        hits.Sort(static (a, b) => a.Paper.CompareTo(b.Paper));
        _papers = new long[hits.Length];
        _ranks = new double[hits.Length];
        _upvotes = new int[hits.Length];
        for (var i = 0; i < hits.Length; i++) (_papers[i], _ranks[i], _upvotes[i]) = (hits[i].Paper, hits[i].Rank, hits[i].Upvotes);
    }

    /// <summary>How the filter is named in a digest: the topic slug or the keyword query.</summary>
    public string Label { get; }

    /// <summary>Just <see cref="Label"/>: the labels of a paper only this filter matched, shared by every such item.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The FTS5 query that found the matches (null when none ran): highlighting asks it what it matched.</summary>
    public string? Query { get; }

    /// <summary>Number of matches.</summary>
    public int Count => _papers.Length;

    /// <summary>
    /// The positions of the matches in <paramref name="order"/>, best first: sorted once per filter and order, not once
    /// per reader. Papers ascend with the index, so comparing indexes breaks ties in listing order.
    /// </summary>
    public int[] InOrder(DigestOrder order)
    {
        ref var sorted = ref (order == DigestOrder.Trending ? ref _byTrending : ref _byRelevance);
        if (sorted is not null) return sorted;
        var positions = new int[_papers.Length];
        for (var i = 0; i < positions.Length; i++) positions[i] = i;
        Array.Sort(positions, (a, b) => Ranking.Compare(At(a), At(b), order));
        return sorted = positions;
    }

    /// <summary>The match at index <paramref name="index"/> of <see cref="InOrder"/>'s positions.</summary>
    public FilterHit At(int index) => new(_papers[index], _ranks[index], _upvotes[index]);

    public bool TryGetRank(long paper, out double rank)
    {
        var at = IndexOf(paper);
        rank = at < 0 ? 0 : _ranks[at];
        return at >= 0;
    }

    /// <summary>Whether the highlights of a matched <paramref name="paper"/> were decided (see <see cref="SetMarks"/>).</summary>
    public bool HasMarks(long paper) => _marks?[IndexOf(paper)] is not null;

    /// <summary>The highlights decided for a matched <paramref name="paper"/>; empty when none were (yet).</summary>
    public int[] MarksOf(long paper) => _marks?[IndexOf(paper)] ?? [];

    /// <summary>
    /// Records the spans of a matched <paramref name="paper"/>'s abstract the filter's query matched (decided once
    /// per run, kept with the filter's other results rather than in a table of their own).
    /// </summary>
    public void SetMarks(long paper, int[] spans) => (_marks ??= new int[]?[_papers.Length])[IndexOf(paper)] = spans;

    private int IndexOf(long paper)
    {
        // Asked for every filter of every paper a reader gets (millions of times a run): a plain loop is several
        // times faster than Array.BinarySearch, which goes through the generic comparer.
        var papers = _papers;
        int low = 0, high = papers.Length - 1;
        while (low <= high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            var at = papers[mid];
            if (at == paper) return mid;
            if (at < paper) low = mid + 1;
            else high = mid - 1;
        }
        return -1;
    }
}
