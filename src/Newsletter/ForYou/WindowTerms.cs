namespace Newsletter.ForYou;

/// <summary>
/// The TF-IDF index of one window of papers (a planning run's new papers), built once per run and shared by every
/// reader with marks: each term's IDF (in the powers a profile and a paper weigh it) and its papers, and each paper's
/// unit vector as its terms in term order. A <see cref="TasteScorer"/> scores a reader's model against it.
/// </summary>
public sealed class WindowTerms
{
    // The profile's terms are weighted by IDF cubed, the papers' by IDF once: a reader's common thread is often a
    // fairly common word ("agent"), and the extra weight lets the rarer words their liked papers share decide the
    // order (for-you at k = 5: IDF squared 0.59, squared against IDF^1.5 for papers 0.59, cubed 0.60; see
    // tests/BENCHMARKS.md).
    private const float ProfileIdfPower = 3f;

    private readonly long[] _ids;
    private readonly Dictionary<long, int> _index;

    /// <summary>Indexes <paramref name="papers"/> (id, title, abstract).</summary>
    public WindowTerms(IReadOnlyList<(long Id, string Title, string Abstract)> papers)
    {
        _ids = new long[papers.Count];
        _index = new Dictionary<long, int>(papers.Count);
        TermKeys = [];
        var vectors = new (int Term, float Weight)[papers.Count][];
        var df = new List<int>();
        for (var i = 0; i < papers.Count; i++)
        {
            _ids[i] = papers[i].Id;
            _index[papers[i].Id] = i;
            var terms = PaperTerms.Of(papers[i].Title, papers[i].Abstract);
            var vector = new (int Term, float Weight)[terms.Count];
            var at = 0;
            foreach (var (term, weight) in terms)
            {
                var key = PaperTerms.Key(term);
                if (!TermKeys.TryGetValue(key, out var t))
                {
                    TermKeys[key] = t = df.Count;
                    df.Add(0);
                }
                df[t]++;
                vector[at++] = (t, weight);
            }
            vectors[i] = vector;
        }
        // Smoothed IDF; a term no window paper has gets the rarest weight, so a profile's norm counts it too.
        Idf = df.Select(d => (float)(Math.Log((papers.Count + 1.0) / (d + 1.0)) + 1)).ToArray();
        UnseenIdf = (float)(Math.Log(papers.Count + 1.0) + 1);
        ProfileIdf = Idf.Select(idf => MathF.Pow(idf, ProfileIdfPower)).ToArray();
        ProfileIdfPrecise = Idf.Select(idf => Math.Pow(idf, ProfileIdfPower)).ToArray();
        UnseenProfileIdf = Math.Pow(UnseenIdf, ProfileIdfPower);

        // Each paper's vector (weights times IDF, unit length) in term order; each term's papers in paper order.
        PaperStart = new int[papers.Count + 1];
        PostingStart = new int[df.Count + 1];
        for (var t = 0; t < df.Count; t++) PostingStart[t + 1] = PostingStart[t] + df[t];
        var total = PostingStart[^1];
        PaperTerm = new int[total];
        PaperWeight = new float[total];
        Postings = new (int, float)[total];
        var filled = new int[df.Count];
        for (var i = 0; i < vectors.Length; i++)
        {
            var vector = vectors[i];
            Array.Sort(vector);
            double norm = 0;
            foreach (var (term, weight) in vector)
            {
                var scaled = weight * Idf[term];
                norm += (double)scaled * scaled;
            }
            var scale = norm == 0 ? 0 : (float)(1 / Math.Sqrt(norm));
            var start = PaperStart[i];
            PaperStart[i + 1] = start + vector.Length;
            for (var j = 0; j < vector.Length; j++)
            {
                var (term, weight) = vector[j];
                var scaled = weight * Idf[term] * scale;
                PaperTerm[start + j] = term;
                PaperWeight[start + j] = scaled;
                Postings[PostingStart[term] + filled[term]++] = (i, scaled);
            }
        }
    }

    /// <summary>How many papers the window holds.</summary>
    public int Count => _ids.Length;

    /// <summary>The id of the window's <paramref name="index"/>-th paper.</summary>
    public long IdAt(int index) => _ids[index];

    /// <summary>The position of a paper in the window, or -1.</summary>
    public int IndexOf(long paperId) => _index.TryGetValue(paperId, out var i) ? i : -1;

    /// <summary>How many distinct terms the window's papers hold.</summary>
    public int TermCount => Idf.Length;

    // The index as arrays, read by TasteScorer (same folder): terms are numbered 0..TermCount-1.
    /// <summary>Each term's number by its <see cref="PaperTerms.Key"/>, the form a stored model names it in.</summary>
    internal Dictionary<ulong, int> TermKeys { get; }
    internal float[] Idf { get; }
    internal float UnseenIdf { get; }
    internal float[] ProfileIdf { get; }
    internal double[] ProfileIdfPrecise { get; }
    internal double UnseenProfileIdf { get; }

    /// <summary>Paper i's terms and weights are at [PaperStart[i], PaperStart[i + 1]), in term order.</summary>
    internal int[] PaperStart { get; }
    internal int[] PaperTerm { get; }
    internal float[] PaperWeight { get; }

    /// <summary>Term t's papers and weights are at [PostingStart[t], PostingStart[t + 1]), in paper order.</summary>
    internal int[] PostingStart { get; }
    internal (int Paper, float Weight)[] Postings { get; }
}
