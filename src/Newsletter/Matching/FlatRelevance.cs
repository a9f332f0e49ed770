namespace Newsletter.Matching;

/// <summary>
/// What a flat query's relevance (<see cref="WindowPostings.Match"/>: FTS5's bm25, bit for bit) needs to be computed
/// again for any paper it matched: each phrase's idf over the window, and per match how often each phrase stands in
/// the paper (weighted by column). A result keeps these small counts instead of a double a match and asks
/// <see cref="Of"/> when ranking needs a relevance: the same steps on the same numbers give the same bits.
/// </summary>
/// <remarks>A value kept inside its result: ~41,000 keyword results are held at once at 1,000,000 readers.</remarks>
internal readonly struct FlatRelevance(WindowPostings postings, double[] idf)
{
    /// <summary>How many phrases the query has: the frequencies a match holds.</summary>
    public int Phrases => idf.Length;

    /// <summary>
    /// The frequencies of each of <paramref name="ranked"/> (the matches, in any order), <see cref="Phrases"/> a match,
    /// from <paramref name="frequencies"/> (as many a match of <paramref name="matched"/>, its rowids ascending): four
    /// bits each when every one is below 16 (nearly all: a title counts five), else a byte each. Null when one is not
    /// a whole number up to 255 (a phrase standing in a title more than 51 times), which keeps the result on exact
    /// doubles instead.
    /// </summary>
    public byte[]? Compact(ReadOnlySpan<long> matched, ReadOnlySpan<double> frequencies, ReadOnlySpan<FilterHit> ranked)
    {
        var phrases = idf.Length;
        var values = new byte[ranked.Length * phrases];
        var small = true;
        for (var i = 0; i < ranked.Length; i++)
        {
            var at = matched.BinarySearch(ranked[i].Paper);
            if (at < 0) throw new ArgumentException($"paper {ranked[i].Paper} is not among the query's matches", nameof(ranked));
            for (var p = 0; p < phrases; p++)
            {
                var frequency = frequencies[at * phrases + p];
                if (frequency is < 0 or > byte.MaxValue || frequency != Math.Floor(frequency)) return null;
                values[i * phrases + p] = (byte)frequency;
                small &= frequency < 16;
            }
        }
        if (!small || values.Length < 2) return values;
        var packed = new byte[(values.Length + 1) / 2];
        for (var v = 0; v < values.Length; v++) packed[v >> 1] |= (byte)(values[v] << ((v & 1) << 2));
        return packed;
    }

    /// <summary>
    /// The relevance of <paramref name="paper"/>, the <paramref name="match"/>-th of <paramref name="matches"/> whose
    /// frequencies <paramref name="compact"/> holds (see <see cref="Compact"/>: four bits each when it is shorter than
    /// a byte each).
    /// </summary>
    public double Of(long paper, byte[] compact, int match, int matches)
    {
        var norm = postings.Norm(paper);
        var packed = compact.Length < matches * idf.Length;
        var score = 0.0;
        for (var p = 0; p < idf.Length; p++)
        {
            var at = match * idf.Length + p;
            var frequency = packed ? compact[at >> 1] >> ((at & 1) << 2) & 0xF : compact[at];
            score += WindowPostings.Bm25Term(idf[p], frequency, norm);
        }
        return score;
    }
}
