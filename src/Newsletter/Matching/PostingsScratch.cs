namespace Newsletter.Matching;

/// <summary>
/// What <see cref="WindowPostings.Match"/> reuses from one query to the next for one caller: each phrase's papers as
/// found, the words' postings a phrase walks (a prefix's merged into a buffer), and the walks' cursors. A planning run
/// asks ~160,000 queries of one store; made afresh for each, these were ~0.8 GB of the 4.8 GB a 1,000,000-reader run
/// allocated, each of them garbage the collector had to reach (BENCHMARKS). A window's postings serve the stores of
/// concurrent requests, so the scratch is the store's, never the window's.
/// </summary>
internal sealed class PostingsScratch
{
    private List<(int Paper, double Frequency)>[] _found = [];
    private ArraySegment<long>[] _lists = [];
    private long[][] _merged = [];
    private int[] _heads = [], _cursors = [];

    /// <summary>A list for each of <paramref name="phrases"/> phrases, each empty (the array may be longer).</summary>
    public List<(int Paper, double Frequency)>[] Found(int phrases)
    {
        if (_found.Length < phrases)
        {
            var grown = new List<(int Paper, double Frequency)>[phrases];
            _found.CopyTo(grown, 0);
            for (var i = _found.Length; i < phrases; i++) grown[i] = [];
            _found = grown;
        }
        for (var i = 0; i < phrases; i++) _found[i].Clear();
        return _found;
    }

    /// <summary>Room for the postings of a phrase of <paramref name="words"/> words (the array may be longer).</summary>
    public ArraySegment<long>[] Lists(int words) => _lists.Length >= words ? _lists : _lists = new ArraySegment<long>[words];

    /// <summary>A buffer of at least <paramref name="length"/> for the merged postings of a phrase's word <paramref name="word"/> (a prefix).</summary>
    public long[] Merged(int word, int length)
    {
        if (_merged.Length <= word) Array.Resize(ref _merged, word + 1);
        var buffer = _merged[word];
        return buffer is not null && buffer.Length >= length ? buffer : _merged[word] = new long[Math.Max(length, 2 * (buffer?.Length ?? 0))];
    }

    /// <summary>The heads of <paramref name="phrases"/> phrases' walks, each 0.</summary>
    public Span<int> Heads(int phrases) => Zeroed(ref _heads, phrases);

    /// <summary>The cursors of a phrase's <paramref name="words"/> words, each 0.</summary>
    public Span<int> Cursors(int words) => Zeroed(ref _cursors, words);

    private static Span<int> Zeroed(ref int[] array, int length)
    {
        if (array.Length < length) array = new int[length];
        var span = array.AsSpan(0, length);
        span.Clear();
        return span;
    }
}
