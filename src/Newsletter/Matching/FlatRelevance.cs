namespace Newsletter.Matching;

/// <summary>
/// What a flat query's relevance (<see cref="WindowPostings.Match"/>: FTS5's bm25, bit for bit) needs to be computed
/// again for any paper it matched: each phrase's idf over the window, and per match how often each phrase stands in
/// the paper (weighted by column). A result keeps these small counts instead of a double a match and asks
/// <see cref="Of"/> when ranking needs a relevance: the same steps on the same numbers give the same bits.
/// </summary>
internal sealed class FlatRelevance
{
    private readonly WindowPostings _postings;
    private readonly double[] _idf;

    public FlatRelevance(WindowPostings postings, double[] idf) => (_postings, _idf) = (postings, idf);

    /// <summary>How many phrases the query has: the frequencies a match holds.</summary>
    public int Phrases => _idf.Length;

    /// <summary>
    /// The frequencies of each of <paramref name="ranked"/> (the matches, in any order) as bytes, <see cref="Phrases"/>
    /// a match, from <paramref name="frequencies"/> (as many a match of <paramref name="matched"/>, its rowids ascending);
    /// null when one is not a whole number up to 255 (a phrase standing in a title more than 51 times), which keeps the
    /// result on exact doubles instead.
    /// </summary>
    public byte[]? Compact(ReadOnlySpan<long> matched, ReadOnlySpan<double> frequencies, ReadOnlySpan<FilterHit> ranked)
    {
        var phrases = _idf.Length;
        var compact = new byte[ranked.Length * phrases];
        for (var i = 0; i < ranked.Length; i++)
        {
            var at = matched.BinarySearch(ranked[i].Paper);
            if (at < 0) throw new ArgumentException($"paper {ranked[i].Paper} is not among the query's matches", nameof(ranked));
            for (var p = 0; p < phrases; p++)
            {
                var frequency = frequencies[at * phrases + p];
                if (frequency is < 0 or > byte.MaxValue || frequency != Math.Floor(frequency)) return null;
                compact[i * phrases + p] = (byte)frequency;
            }
        }
        return compact;
    }

    /// <summary>The relevance of <paramref name="paper"/> from its phrases' <paramref name="frequencies"/> (see <see cref="Compact"/>).</summary>
    public double Of(long paper, ReadOnlySpan<byte> frequencies)
    {
        var norm = _postings.Norm(paper);
        var score = 0.0;
        for (var p = 0; p < _idf.Length; p++) score += WindowPostings.Bm25Term(_idf[p], frequencies[p], norm);
        return score;
    }
}
