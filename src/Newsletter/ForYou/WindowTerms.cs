namespace Newsletter.ForYou;

/// <summary>
/// The TF-IDF index of one window of papers (a planning run's new papers): each paper's unit vector and, per term,
/// the papers holding it, so a reader's <see cref="TasteModel"/> scores the whole window by walking only its own
/// terms' lists. Built once per run and shared by every reader with marks: everything a term needs (its IDF in both
/// powers, its papers) is worked out here once, so scoring a reader costs one lookup per profile term.
/// </summary>
public sealed class WindowTerms
{
    private readonly long[] _ids;
    private readonly Dictionary<long, int> _index;
    private readonly Dictionary<string, Term> _terms;
    private readonly float _unseenIdf;
    private readonly double _unseenProfileIdf;

    // The profile's terms are weighted by IDF cubed, the papers' by IDF once: a reader's common thread is often a
    // fairly common word ("agent"), and the extra weight lets the rarer words their liked papers share decide the
    // order (for-you at k = 5: IDF squared 0.59, squared against IDF^1.5 for papers 0.59, cubed 0.60; see
    // tests/BENCHMARKS.md).
    private const float ProfileIdfPower = 3f;

    private const float PaperIdfPower = 1f;

    /// <summary>Indexes <paramref name="papers"/> (id, title, abstract).</summary>
    public WindowTerms(IReadOnlyList<(long Id, string Title, string Abstract)> papers)
    {
        _ids = new long[papers.Count];
        _index = new Dictionary<long, int>(papers.Count);
        var vectors = new Dictionary<string, float>[papers.Count];
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < papers.Count; i++)
        {
            _ids[i] = papers[i].Id;
            _index[papers[i].Id] = i;
            vectors[i] = PaperTerms.Of(papers[i].Title, papers[i].Abstract);
            foreach (var term in vectors[i].Keys) df[term] = df.GetValueOrDefault(term) + 1;
        }
        // Smoothed IDF; a term no window paper has gets the rarest weight, so a profile's norm counts it too.
        var idfs = df.ToDictionary(d => d.Key, d => (float)(Math.Log((papers.Count + 1.0) / (d.Value + 1.0)) + 1), StringComparer.Ordinal);
        _unseenIdf = (float)(Math.Log(papers.Count + 1.0) + 1);
        _unseenProfileIdf = Math.Pow(_unseenIdf, ProfileIdfPower);
        var lists = new Dictionary<string, List<(int, float)>>(StringComparer.Ordinal);
        for (var i = 0; i < vectors.Length; i++)
        {
            double norm = 0;
            foreach (var (term, weight) in vectors[i]) norm += Math.Pow(weight * PaperIdf(idfs[term]), 2);
            var scale = norm == 0 ? 0 : (float)(1 / Math.Sqrt(norm));
            foreach (var (term, weight) in vectors[i])
            {
                if (!lists.TryGetValue(term, out var list)) lists[term] = list = [];
                list.Add((i, weight * PaperIdf(idfs[term]) * scale));
            }
        }
        _terms = lists.ToDictionary(l => l.Key, l => new Term(idfs[l.Key], l.Value.ToArray()), StringComparer.Ordinal);
    }

    /// <summary>How many papers the window holds.</summary>
    public int Count => _ids.Length;

    /// <summary>The id of the window's <paramref name="index"/>-th paper.</summary>
    public long IdAt(int index) => _ids[index];

    /// <summary>The position of a paper in the window, or -1.</summary>
    public int IndexOf(long paperId) => _index.TryGetValue(paperId, out var i) ? i : -1;

    /// <summary>
    /// The cosine of every window paper with the model's profile, in [-1, 1], indexed like the window; written into
    /// <paramref name="scores"/> (length <see cref="Count"/>), which is cleared first.
    /// </summary>
    public void Score(TasteModel model, Span<float> scores)
    {
        scores.Clear();
        double sum = 0;
        foreach (var (term, weight) in model.Profile)
        {
            var idf = _terms.TryGetValue(term, out var known) ? known.ProfileIdfPrecise : _unseenProfileIdf;
            sum += Math.Pow(weight * idf, 2);
        }
        var norm = (float)Math.Sqrt(sum);
        if (norm == 0) return;
        foreach (var (term, weight) in model.Profile)
        {
            if (!_terms.TryGetValue(term, out var known)) continue;
            var w = weight * known.ProfileIdf / norm;
            foreach (var (paper, paperWeight) in known.Postings) scores[paper] += w * paperWeight;
        }
    }

    /// <summary>
    /// For each of the window's papers at <paramref name="indexes"/>, the liked paper most like it, or null; each
    /// liked paper's norm is worked out once for them all.
    /// </summary>
    public IReadOnlyList<TasteExample?> Resembles(TasteModel model, IReadOnlyList<int> indexes)
    {
        var norms = new float[model.Liked.Count];
        for (var e = 0; e < norms.Length; e++)
        {
            double sum = 0;
            foreach (var (term, weight) in model.Liked[e].Terms)
                sum += Math.Pow(weight * (_terms.TryGetValue(term, out var known) ? known.Idf : _unseenIdf), 2);
            norms[e] = (float)Math.Sqrt(sum);
        }
        var found = new TasteExample?[indexes.Count];
        for (var i = 0; i < indexes.Count; i++)
        {
            var bestScore = 0f;
            for (var e = 0; e < norms.Length; e++)
            {
                if (norms[e] == 0) continue;
                var score = 0f;
                foreach (var (term, weight) in model.Liked[e].Terms)
                {
                    if (!_terms.TryGetValue(term, out var known)) continue;
                    var at = Array.BinarySearch(known.Postings, (indexes[i], 0f), PaperOrder.Instance);
                    if (at >= 0) score += weight * known.Idf * known.Postings[at].Weight;
                }
                score /= norms[e];
                if (score > bestScore) (found[i], bestScore) = (model.Liked[e], score);
            }
        }
        return found;
    }

    private static float PaperIdf(float idf) => MathF.Pow(idf, PaperIdfPower);

    /// <summary>A term of the window: its IDF, as a profile weighs it (in float and, for norms, double), and its papers.</summary>
    private sealed class Term(float idf, (int Paper, float Weight)[] postings)
    {
        public float Idf { get; } = idf;
        public float ProfileIdf { get; } = MathF.Pow(idf, ProfileIdfPower);
        public double ProfileIdfPrecise { get; } = Math.Pow(idf, ProfileIdfPower);
        public (int Paper, float Weight)[] Postings { get; } = postings;
    }

    // Postings are built in paper order, so one paper's weight is found by binary search.
    private sealed class PaperOrder : IComparer<(int Paper, float Weight)>
    {
        public static readonly PaperOrder Instance = new();
        public int Compare((int Paper, float Weight) x, (int Paper, float Weight) y) => x.Paper.CompareTo(y.Paper);
    }
}
