namespace Newsletter.ForYou;

/// <summary>
/// The TF-IDF index of one window of papers (a planning run's new papers): each paper's unit vector and, per term,
/// the papers holding it, so a reader's <see cref="TasteModel"/> scores the whole window by walking only its own
/// terms' lists. Built once per run and shared by every reader with marks.
/// </summary>
public sealed class WindowTerms
{
    private readonly long[] _ids;
    private readonly Dictionary<long, int> _index;
    private readonly Dictionary<string, (int Paper, float Weight)[]> _postings;
    private readonly Dictionary<string, float> _idf;
    private readonly float _unseenIdf;

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
        _idf = df.ToDictionary(d => d.Key, d => (float)(Math.Log((papers.Count + 1.0) / (d.Value + 1.0)) + 1), StringComparer.Ordinal);
        _unseenIdf = (float)(Math.Log(papers.Count + 1.0) + 1);
        var lists = new Dictionary<string, List<(int, float)>>(StringComparer.Ordinal);
        for (var i = 0; i < vectors.Length; i++)
        {
            double norm = 0;
            foreach (var (term, weight) in vectors[i]) norm += Math.Pow(weight * PaperIdf(_idf[term]), 2);
            var scale = norm == 0 ? 0 : (float)(1 / Math.Sqrt(norm));
            foreach (var (term, weight) in vectors[i])
            {
                if (!lists.TryGetValue(term, out var list)) lists[term] = list = [];
                list.Add((i, weight * PaperIdf(_idf[term]) * scale));
            }
        }
        _postings = lists.ToDictionary(l => l.Key, l => l.Value.ToArray(), StringComparer.Ordinal);
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
        var norm = Norm(model.Profile);
        if (norm == 0) return;
        foreach (var (term, weight) in model.Profile)
        {
            if (!_postings.TryGetValue(term, out var postings)) continue;
            var w = weight * ProfileIdf(_idf[term]) / norm;
            foreach (var (paper, paperWeight) in postings) scores[paper] += w * paperWeight;
        }
    }

    /// <summary>The liked paper most like the window's <paramref name="index"/>-th paper, or null.</summary>
    public TasteExample? Resembles(TasteModel model, int index)
    {
        TasteExample? best = null;
        var bestScore = 0f;
        foreach (var example in model.Liked)
        {
            var norm = Norm(example.Terms, power: 1);
            if (norm == 0) continue;
            var score = 0f;
            foreach (var (term, weight) in example.Terms)
            {
                if (!_postings.TryGetValue(term, out var postings)) continue;
                var at = Array.BinarySearch(postings, (index, 0f), PaperOrder.Instance);
                if (at >= 0) score += weight * _idf[term] * postings[at].Weight;
            }
            score /= norm;
            if (score > bestScore) (best, bestScore) = (example, score);
        }
        return best;
    }

    private float Norm(IReadOnlyDictionary<string, float> terms, float power = ProfileIdfPower)
    {
        double sum = 0;
        foreach (var (term, weight) in terms)
        {
            var idf = _idf.TryGetValue(term, out var known) ? known : _unseenIdf;
            sum += Math.Pow(weight * Math.Pow(idf, power), 2);
        }
        return (float)Math.Sqrt(sum);
    }

    private static float ProfileIdf(float idf) => MathF.Pow(idf, ProfileIdfPower);

    private static float PaperIdf(float idf) => MathF.Pow(idf, PaperIdfPower);

    // Postings are built in paper order, so one paper's weight is found by binary search.
    private sealed class PaperOrder : IComparer<(int Paper, float Weight)>
    {
        public static readonly PaperOrder Instance = new();
        public int Compare((int Paper, float Weight) x, (int Paper, float Weight) y) => x.Paper.CompareTo(y.Paper);
    }
}
