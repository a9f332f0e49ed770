namespace Newsletter.Matching;

/// <summary>
/// The highlights a run has decided (<see cref="AbstractMarks"/>): every (filter, match) pair's spans one after another
/// in a few large chunks, each led by its length, so a pair costs its offsets and one int, where an array of its own
/// cost 24 bytes of header and a slot to point at it (a single span, most pairs, took 32 bytes for 8 of data).
/// </summary>
/// <remarks>
/// A pair is named by a handle (its chunk and place), which the filter's result keeps in 4 bytes; items slice the
/// chunk (<see cref="DigestItem.Marks"/>), so no item copies a pair's spans. Chunks never move once written: a slice
/// handed out stays valid for the run.
/// </remarks>
internal sealed class MarkBook
{
    // At most 16,384 ints a chunk (64 KB): below the large object heap's 85,000 bytes, and few enough chunks for a
    // run's few hundred thousand pairs that the list of them costs nothing. The first are smaller (1 KB, doubling): a
    // preview's matcher marks one reader's items.
    private const int ChunkBits = 14;
    private const int ChunkLength = 1 << ChunkBits;
    private const int FirstChunkLength = 256;

    private readonly List<int[]> _chunks = [];
    private int[] _last = []; // the chunk being filled
    private int _used;         // ints taken of it

    /// <summary>Keeps a pair's <paramref name="spans"/>; returns the handle that reads them back (never 0, which a result keeps for "not decided").</summary>
    public int Add(ReadOnlySpan<int> spans)
    {
        var needed = spans.Length + 1;
        if (needed > _last.Length - _used)
        {
            // A pair that does not fit what is left starts the next chunk; one longer than a chunk (no abstract has
            // that many words to mark, but nothing forbids it) gets one of its own length, which no other pair shares.
            if (_chunks.Count >= int.MaxValue >> ChunkBits) throw new InvalidOperationException("too many highlights for one run");
            var length = Math.Min(ChunkLength, FirstChunkLength << Math.Min(_chunks.Count, ChunkBits));
            _chunks.Add(_last = new int[Math.Max(length, needed)]);
            _used = 0;
        }
        var at = _used;
        _last[at] = spans.Length;
        spans.CopyTo(_last.AsSpan(at + 1));
        _used += needed;
        return ((_chunks.Count - 1) << ChunkBits | at) + 1;
    }

    /// <summary>The spans kept under <paramref name="handle"/> (from <see cref="Add"/>); empty for 0.</summary>
    public ReadOnlyMemory<int> At(int handle)
    {
        if (handle == 0) return default;
        var place = handle - 1;
        var chunk = _chunks[place >> ChunkBits];
        var at = place & (ChunkLength - 1);
        return chunk.AsMemory(at + 1, chunk[at]);
    }
}
