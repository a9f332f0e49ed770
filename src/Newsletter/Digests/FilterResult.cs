namespace Newsletter.Digests;

/// <summary>One distinct filter evaluated over a run's window: its hits best first, and a lookup by paper.</summary>
/// <remarks>
/// A run keeps one of these per distinct filter for its whole length, so it is stored as three flat arrays (20 bytes
/// a hit) rather than a hit array plus a dictionary (about 50 bytes a hit).
/// </remarks>
internal sealed class FilterResult
{
    public static readonly FilterResult None = new("", []);

    private readonly long[] _papers;   // ascending, for the lookup by paper
    private readonly double[] _ranks;  // aligned with _papers
    private readonly int[] _byRank;    // indexes into _papers/_ranks, best rank first, ties in listing order

    /// <param name="hits">The filter's matches, in any order (sorted in place; the caller may reuse the buffer).</param>
    public FilterResult(string label, Span<FilterHit> hits)
    {
        Label = label;
        Labels = [label];
        hits.Sort(static (a, b) => a.Paper.CompareTo(b.Paper));
        _papers = new long[hits.Length];
        _ranks = new double[hits.Length];
        for (var i = 0; i < hits.Length; i++) (_papers[i], _ranks[i]) = (hits[i].Paper, hits[i].Rank);
        _byRank = new int[hits.Length];
        for (var i = 0; i < _byRank.Length; i++) _byRank[i] = i;
        // Sorted once per filter, not once per reader. Papers ascend with the index, so comparing indexes breaks ties
        // in listing order.
        Array.Sort(_byRank, (a, b) => Ranking.Compare(new FilterHit(_papers[a], _ranks[a]), new FilterHit(_papers[b], _ranks[b])));
    }

    /// <summary>How the filter is named in a digest: the topic slug or the keyword query.</summary>
    public string Label { get; }

    /// <summary>Just <see cref="Label"/>: the labels of a paper only this filter matched, shared by every such item.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Number of matches.</summary>
    public int Count => _byRank.Length;

    /// <summary>The match at <paramref name="position"/> in rank order (0 is the best).</summary>
    public FilterHit this[int position]
    {
        get
        {
            var i = _byRank[position];
            return new FilterHit(_papers[i], _ranks[i]);
        }
    }

    public bool TryGetRank(long paper, out double rank)
    {
        // Asked for every filter of every paper a reader gets (millions of times a run): a plain loop is several
        // times faster than Array.BinarySearch, which goes through the generic comparer.
        var papers = _papers;
        int low = 0, high = papers.Length - 1;
        while (low <= high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            var at = papers[mid];
            if (at == paper)
            {
                rank = _ranks[mid];
                return true;
            }
            if (at < paper) low = mid + 1;
            else high = mid - 1;
        }
        rank = 0;
        return false;
    }
}
