namespace Newsletter.Matching;

/// <summary>One distinct filter evaluated over a run's window: its hits best first, and a lookup by paper.</summary>
/// <remarks>
/// A run keeps one of these per distinct filter from its first reader to its last (a keyword is used by readers all
/// through the run), so it is stored as flat arrays in relevance order, at most 10 bytes a hit (a paper as its
/// distance from the lowest one; its relevance, or one for each run of equal ones when that is smaller): ranking walks
/// them front to back, and the trending order is the same order unless a matched paper has upvotes (then 4 bytes more
/// a hit once asked for). Upvotes are the window's
/// (<see cref="PaperUpvotes"/>), highlights are kept only for the matches decided. A filter that matched nothing
/// (most keywords) holds no arrays of its own.
/// </remarks>
internal sealed class FilterResult
{
    public static readonly FilterResult None = new("", []);

    private readonly long _first;      // the lowest matched paper: _offsets count from it
    // In relevance order (best first, ties in listing order): each paper's distance from _first, its low 16 bits, and
    // the high ones only when some distance needs them (a window over 65,536 ids: a daily one never is), so a hit
    // costs 2 bytes of paper, not 4 (~11 MB at 1,000,000 readers).
    private readonly ushort[] _offsets;
    private readonly ushort[]? _highs;
    // Relevance, exact (ranking's ties and the ledger's scores depend on every bit): for a flat keyword, computed again
    // when asked from each match's phrase frequencies (_frequencies, half a byte a phrase, or a byte: FlatRelevance), where
    // a double was 8 bytes a match (most of a 1,000,000-reader run's live heap, BENCHMARKS); otherwise one a match, or,
    // with _runs, one a run of equal ones. The matches are in relevance order, so equal scores sit side by side, and many keywords score
    // many matches alike (the same term counts in abstracts of the same length): 41% of the hits' scores were distinct
    // at 1,000,000 readers, whose 5.7 million doubles were 44 MB, the largest part of the run's live heap (BENCHMARKS).
    private readonly double[] _ranks;
    private readonly ushort[]? _runs;  // with runs: the index of each run's first match, ascending; null: one rank a match
    private readonly FlatRelevance _relevance; // with _frequencies
    private readonly byte[]? _frequencies; // with _relevance: each match's phrases' frequencies, in relevance order
    private readonly PaperUpvotes _upvotes; // by paper: the window's, shared by its results
    private int[]? _byTrending;        // indexes in trending order, built when first asked for; empty when the same
    // Where each paper's highlights are in the run's MarkBook, once decided (AbstractMarks; see DecidedMarks): a
    // topic's in a slot a match, a keyword's only for the few matches decided, until a slot a match is smaller.
    private int[]? _marks;
    private readonly int[]? _byOffset; // with dense: 1 + the index of each offset's match, 0 where none

    /// <param name="hits">The filter's matches, in any order (sorted in place; the caller may reuse the buffer).</param>
    /// <param name="query">The FTS5 query that found them, asked again for highlights; null when none ran.</param>
    /// <param name="dense">
    /// Look matches up by paper in one step (an array over the matched papers' span) instead of a scan: for the
    /// catalog's topics, which nearly every reader names and which match a good part of any window.
    /// </param>
    /// <param name="upvotes">The upvotes of the window's papers; by default the hits' own.</param>
    /// <param name="relevance">
    /// For a flat query, how the hits' relevance is computed again (<see cref="WindowIndexStore.Match"/>), with
    /// <paramref name="frequencies"/>, the hits' phrase frequencies; the hits are then in ascending paper order, as
    /// the store gave them. A dense result keeps its relevance as doubles: it is looked up for nearly every item.
    /// </param>
    public FilterResult(string label, Span<FilterHit> hits, string? query = null, bool dense = false, PaperUpvotes? upvotes = null,
        FlatRelevance? relevance = null, ReadOnlySpan<double> frequencies = default)
    {
        Label = label;
        Labels = new MatchedLabels(this);
        Query = query;
        _upvotes = upvotes ?? PaperUpvotes.Of(hits.ToArray().Select(h => (h.Paper, h.Upvotes)));
        if (hits.IsEmpty)
        {
            (_offsets, _ranks, _byTrending) = ([], [], []);
            return;
        }
        long first = long.MaxValue, last = long.MinValue;
        foreach (var hit in hits) (first, last) = (Math.Min(first, hit.Paper), Math.Max(last, hit.Paper));
        // A window's papers are one run of ids, far fewer than int.MaxValue apart.
        if (last - first > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(hits), "papers too far apart for one window");
        _first = first;
        long[]? matched = null;
        if (relevance is not null && !dense)
        {
            matched = new long[hits.Length];
            for (var i = 0; i < hits.Length; i++) matched[i] = hits[i].Paper;
        }
        hits.Sort(static (a, b) => Ranking.Compare(a, b, DigestOrder.Relevance));
        _offsets = new ushort[hits.Length];
        if (last - first > ushort.MaxValue) _highs = new ushort[hits.Length];
        for (var i = 0; i < hits.Length; i++)
        {
            var offset = (int)(hits[i].Paper - _first);
            _offsets[i] = (ushort)offset;
            if (_highs is not null) _highs[i] = (ushort)(offset >> 16);
        }
        // A topic's matches are looked up for nearly every item a run ranks: they keep one rank a match (22 topics,
        // a small share of the hits), and only keywords pay the run's search.
        if (matched is not null && relevance!.Value.Compact(matched, frequencies, hits) is { } compact)
            (_relevance, _frequencies, _ranks) = (relevance.Value, compact, []);
        else (_ranks, _runs) = Ranks(hits, dense);
        if (!dense) return;
        _byOffset = new int[last - first + 1];
        for (var i = 0; i < _offsets.Length; i++) _byOffset[OffsetAt(i)] = i + 1;
    }

    /// <summary>How the filter is named in a digest: the topic slug or the keyword query.</summary>
    public string Label { get; }

    /// <summary>Just <see cref="Label"/>: the labels of a paper only this filter matched, shared by every such item.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The FTS5 query that found the matches (null when none ran): highlighting asks it what it matched.</summary>
    public string? Query { get; }

    /// <summary>Whether the relevance is computed again when asked (<see cref="FlatRelevance"/>), not kept as doubles.</summary>
    public bool RanksFromFrequencies => _frequencies is not null;

    /// <summary>Number of matches.</summary>
    public int Count => _offsets.Length;

    /// <summary>
    /// The index of the match at <paramref name="position"/> (0 is the best) in <paramref name="order"/>: the matches
    /// are sorted once per filter and order, not once per reader.
    /// </summary>
    public int InOrder(DigestOrder order, int position)
    {
        if (order != DigestOrder.Trending) return position;
        var sorted = _byTrending ??= Trending();
        return sorted.Length == 0 ? position : sorted[position];
    }

    /// <summary>The match at index <paramref name="index"/> (see <see cref="InOrder"/>).</summary>
    public FilterHit At(int index)
    {
        var paper = _first + OffsetAt(index);
        return new(paper, RankAt(index), _upvotes.Of(paper));
    }

    /// <summary>The paper of the match at <paramref name="index"/>.</summary>
    public long PaperAt(int index) => _first + OffsetAt(index);

    /// <summary>The relevance of the match at <paramref name="index"/> (see <see cref="IndexOf"/>).</summary>
    public double RankAt(int index)
    {
        if (_frequencies is not null) return _relevance.Of(PaperAt(index), _frequencies, index, _offsets.Length);
        if (_runs is null) return _ranks[index];
        // The last run starting at or before the match: runs start at 0, so there is one.
        var found = _runs.AsSpan().BinarySearch((ushort)index);
        return _ranks[found >= 0 ? found : ~found - 1];
    }

    /// <summary>The index of a matched <paramref name="paper"/>, or -1 when the filter did not match it.</summary>
    public int IndexOf(long paper)
    {
        var distance = paper - _first;
        if ((ulong)distance > int.MaxValue) return -1;
        var offset = (int)distance;
        if (_byOffset is { } byOffset) return offset < byOffset.Length ? byOffset[offset] - 1 : -1;
        // A keyword's few matches (a few hundred at most, mostly) are scanned with vector compares, which costs about
        // what a binary search over them did and needs no second array in paper order.
        if (_highs is null) return offset > ushort.MaxValue ? -1 : _offsets.AsSpan().IndexOf((ushort)offset);
        for (var i = 0; i < _offsets.Length; i++)
        {
            if (OffsetAt(i) == offset) return i;
        }
        return -1;
    }

    /// <summary>Whether the highlights of the match at <paramref name="index"/> were decided (see <see cref="SetMarks"/>).</summary>
    public bool HasMarks(int index) => MarksAt(index) != 0;

    /// <summary>
    /// The <see cref="MarkBook"/> handle of the highlights decided for the match at <paramref name="index"/>; 0 when
    /// none were (yet).
    /// </summary>
    public int MarksAt(int index) => _marks is { } marks ? DecidedMarks.Get(marks, index) : 0;

    /// <summary>
    /// Records where the spans of the abstract of the match at <paramref name="index"/> that the filter's query
    /// matched are kept (a <see cref="MarkBook"/> handle, not 0): decided once per run, kept with the filter's other
    /// results rather than in a table of their own.
    /// </summary>
    public void SetMarks(int index, int handle)
    {
        ArgumentOutOfRangeException.ThrowIfZero(handle);
        DecidedMarks.Set(ref _marks, index, handle, _offsets.Length, dense: _byOffset is not null);
    }

    /// <summary>
    /// The indexes in trending order (most upvoted first, then relevance order); empty when that is relevance order,
    /// as when no matched paper has upvotes.
    /// </summary>
    private int[] Trending()
    {
        var upvoted = false;
        for (var i = 0; i < _offsets.Length && !upvoted; i++) upvoted = _upvotes.Of(PaperAt(i)) != 0;
        if (!upvoted) return [];
        var indexes = new int[_offsets.Length];
        for (var i = 0; i < indexes.Length; i++) indexes[i] = i;
        Array.Sort(indexes, (a, b) => Ranking.Compare(At(a), At(b), DigestOrder.Trending));
        return indexes;
    }

    /// <summary>
    /// The relevance of <paramref name="hits"/> (sorted): one a run of equal scores (equal to the bit: 0 and -0 differ)
    /// with where each run starts, when that is smaller than one a match and every start fits 16 bits, and
    /// <paramref name="perMatch"/> does not ask for one a match.
    /// </summary>
    private static (double[] Ranks, ushort[]? Runs) Ranks(ReadOnlySpan<FilterHit> hits, bool perMatch)
    {
        var runs = 0;
        for (var i = 0; i < hits.Length && !perMatch; i++) runs += i == 0 || !SameRank(hits[i - 1], hits[i]) ? 1 : 0;
        if (perMatch || hits.Length > ushort.MaxValue + 1 || runs * (sizeof(double) + sizeof(ushort)) >= hits.Length * sizeof(double))
        {
            var ranks = new double[hits.Length];
            for (var i = 0; i < hits.Length; i++) ranks[i] = hits[i].Rank;
            return (ranks, null);
        }
        var (values, starts) = (new double[runs], new ushort[runs]);
        for (int i = 0, run = -1; i < hits.Length; i++)
        {
            if (i > 0 && SameRank(hits[i - 1], hits[i])) continue;
            run++;
            (values[run], starts[run]) = (hits[i].Rank, (ushort)i);
        }
        return (values, starts);
    }

    private static bool SameRank(FilterHit a, FilterHit b) => BitConverter.DoubleToInt64Bits(a.Rank) == BitConverter.DoubleToInt64Bits(b.Rank);

    private int OffsetAt(int index) => _highs is null ? _offsets[index] : _offsets[index] | _highs[index] << 16;
}
