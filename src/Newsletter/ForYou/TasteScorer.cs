using System.Buffers.Binary;
using System.Text;

namespace Newsletter.ForYou;

/// <summary>
/// Scores one reader's <see cref="TasteModel"/> against a <see cref="WindowTerms"/>, reader after reader: loading a
/// model spreads its profile over the window's terms (one weight per term number), so a paper's score is one read of
/// that array per term of the paper, and only the papers asked for are scored: the reader's matched papers (the
/// nudge) and, for "Recommended for you", the window's papers left after <see cref="Exclude"/> (those a filter
/// matched, and the marked ones). Everything it holds is reused from reader to reader; one thread at a time.
/// </summary>
public sealed class TasteScorer
{
    private readonly WindowTerms _window;
    private readonly float[] _profile;
    // 1 for a paper left out of Top, else 0: a number, so that Top gathers the rest without a branch per paper (a
    // reader's filters match papers all over the window, and a flag tested paper by paper mispredicts half the time).
    private readonly byte[] _excluded;
    private readonly int[] _left;
    private readonly List<(int Paper, float Score)> _best = [];

    // The loaded reader: profile terms known to the window (term, weight scaled by IDF and norm), in the stored order.
    private readonly List<(int Term, float Weight)> _terms = [];
    private readonly List<(int Term, float Weight)> _read = [];
    private readonly List<Liked> _liked = [];
    private readonly List<(int Term, float Weight)> _likedTerms = [];
    private readonly List<long> _marked = [];
    private byte[] _packed = [];
    private float[]? _paperWeights;
    private int _likedAt = -1;
    private int _likedCount;

    /// <summary>A scorer over <paramref name="window"/>, holding no reader yet.</summary>
    public TasteScorer(WindowTerms window)
    {
        _window = window;
        _profile = new float[window.TermCount];
        _excluded = new byte[window.Count];
        _left = new int[window.Count];
    }

    /// <summary>The window the scores are for.</summary>
    public WindowTerms Window => _window;

    /// <summary>True when the loaded model liked nothing: such a model recommends nothing.</summary>
    public bool IsEmpty => _likedCount == 0;

    /// <summary>Loads a model built in memory (as planning would read it stored).</summary>
    public void Load(TasteModel model) => Load(model.Pack());

    /// <summary>
    /// Loads a model as stored (<see cref="TasteModel.Pack"/>): each profile term is looked up in the window by its
    /// key as it is read (<see cref="WindowTerms.TermOf"/>), so a planning run makes no string and no model object per
    /// reader. The liked papers are only counted here, and read when a recommendation asks which one it resembles.
    /// Keeps <paramref name="packed"/>.
    /// </summary>
    public void Load(byte[] packed)
    {
        Clear();
        if (packed.Length == 0 || packed[0] != TasteModel.PackedFormat)
            throw new InvalidDataException($"taste model: unknown format {(packed.Length == 0 ? "(empty)" : packed[0])}");
        _packed = packed;
        var at = 1;
        double sum = 0;
        for (var n = Int(ref at); n > 0; n--)
        {
            var t = _window.TermOf(BinaryPrimitives.ReadUInt64LittleEndian(packed.AsSpan(at)));
            var weight = BinaryPrimitives.ReadSingleLittleEndian(packed.AsSpan(at + 8));
            at += 12;
            _read.Add((t, weight));
            var scaled = weight * (t >= 0 ? _window.ProfileIdfPrecise[t] : _window.UnseenProfileIdf);
            sum += scaled * scaled;
        }
        for (var n = Int(ref at); n > 0; n--)
        {
            var marked = BinaryPrimitives.ReadInt64LittleEndian(packed.AsSpan(at));
            _marked.Add(marked);
            Exclude(marked);
            at += 8;
        }
        _likedCount = Int(ref at);
        _likedAt = at;
        Spread(sum);
    }

    /// <summary>
    /// The loaded model's cosine with the window's <paramref name="paper"/>-th paper, in [-1, 1]: the paper's terms
    /// (in term order, weights contiguous) each read the profile's weight for that term.
    /// </summary>
    public float Score(int paper)
    {
        var from = _window.PaperStart[paper];
        var terms = _window.PaperTerm.AsSpan(from, _window.PaperStart[paper + 1] - from);
        var weights = _window.PaperWeight.AsSpan(from, terms.Length);
        var profile = _profile;
        // Two sums, so that one product's add need not wait for the one before it.
        float even = 0, odd = 0;
        var i = 0;
        for (; i + 1 < terms.Length && i + 1 < weights.Length; i += 2)
        {
            even += profile[terms[i]] * weights[i];
            odd += profile[terms[i + 1]] * weights[i + 1];
        }
        if (i < terms.Length && i < weights.Length) even += profile[terms[i]] * weights[i];
        return even + odd;
    }

    /// <summary>The cosine of every window paper with the loaded profile, indexed like the window (length <see cref="WindowTerms.Count"/>).</summary>
    public void ScoreAll(Span<float> scores)
    {
        for (var i = 0; i < _window.Count; i++) scores[i] = Score(i);
    }

    /// <summary>
    /// Leaves the window's paper <paramref name="paperId"/> out of <see cref="Top"/> for the loaded reader (a paper one
    /// of their filters matched); the reader's marked papers are left out from <see cref="Load(byte[])"/> on.
    /// </summary>
    public void Exclude(long paperId)
    {
        var index = _window.IndexOf(paperId);
        if (index >= 0) _excluded[index] = 1;
    }

    /// <summary>
    /// The <paramref name="count"/> best window papers for the loaded reader, best first (ties to the earlier paper),
    /// among those scoring at least <paramref name="threshold"/> that the reader never marked, that were not
    /// <see cref="Exclude"/>d and that <paramref name="eligible"/> allows. Only those papers are scored: a reader's
    /// filters match most of a window, and scoring the rest one paper at a time reads far less than walking the
    /// profile's terms' lists over every paper (see tests/BENCHMARKS.md, "The taste step, paper by paper").
    /// </summary>
    public IReadOnlyList<(int Paper, float Score)> Top(float threshold, int count, Func<long, bool> eligible)
    {
        _best.Clear();
        var (excluded, left, n) = (_excluded, _left, 0);
        for (var i = 0; i < excluded.Length; i++)
        {
            left[n] = i;
            n += 1 - excluded[i];
        }
        foreach (var i in left.AsSpan(0, n))
        {
            var id = _window.IdAt(i);
            if (!eligible(id)) continue;
            var score = Score(i);
            if (score < threshold || (_best.Count == count && score <= _best[^1].Score)) continue;
            var at = _best.Count;
            while (at > 0 && _best[at - 1].Score < score) at--;
            _best.Insert(at, (i, score));
            if (_best.Count > count) _best.RemoveAt(_best.Count - 1);
        }
        return _best;
    }

    /// <summary>Whether the reader marked the paper either way (never recommended back to them).</summary>
    public bool Marked(long paperId) => _marked.Contains(paperId);

    /// <summary>The liked paper most like the window's <paramref name="paper"/>-th paper (id and title), or null.</summary>
    public (long PaperId, string Title)? Resembles(int paper)
    {
        if (_likedAt >= 0) ReadLiked();
        // The paper's weights spread by term, so each liked term is one read (a search of the paper's terms cost
        // twice the rest of the section), and cleared after: the array is the scorer's, allocated once.
        _paperWeights ??= new float[_window.TermCount];
        var (from, to) = (_window.PaperStart[paper], _window.PaperStart[paper + 1]);
        for (var i = from; i < to; i++) _paperWeights[_window.PaperTerm[i]] = _window.PaperWeight[i];
        Liked? found = null;
        var bestScore = 0f;
        foreach (var liked in _liked)
        {
            if (liked.Norm == 0) continue;
            var score = 0f;
            for (var i = liked.Start; i < liked.End; i++)
            {
                var (term, weight) = _likedTerms[i];
                if (term >= 0) score += weight * _window.Idf[term] * _paperWeights[term];
            }
            score /= liked.Norm;
            if (score > bestScore) (found, bestScore) = (liked, score);
        }
        for (var i = from; i < to; i++) _paperWeights[_window.PaperTerm[i]] = 0;
        // Only the one named is decoded: a title is text, the rest of the model is not.
        return found is { } best ? (best.PaperId, Encoding.UTF8.GetString(_packed, best.TitleAt, best.TitleLength)) : null;
    }

    private void Clear()
    {
        foreach (var (term, _) in _terms) _profile[term] = 0;
        Array.Clear(_excluded);
        _likedCount = 0;
        _likedAt = -1;
        _terms.Clear();
        _read.Clear();
        _liked.Clear();
        _likedTerms.Clear();
        _marked.Clear();
    }

    /// <summary>Scales the read profile to unit length, keeping the terms the window has.</summary>
    private void Spread(double sum)
    {
        var norm = (float)Math.Sqrt(sum);
        if (norm == 0) return;
        foreach (var (term, weight) in _read)
        {
            if (term < 0) continue;
            var w = weight * _window.ProfileIdf[term] / norm;
            _terms.Add((term, w));
            _profile[term] += w;
        }
    }

    /// <summary>Works out each liked paper's length in the window's IDF (terms the window lacks count too).</summary>
    private void NormLiked()
    {
        for (var i = 0; i < _liked.Count; i++)
        {
            double sum = 0;
            for (var j = _liked[i].Start; j < _liked[i].End; j++)
            {
                var (term, weight) = _likedTerms[j];
                var scaled = weight * (term >= 0 ? _window.Idf[term] : _window.UnseenIdf);
                sum += (double)scaled * scaled;
            }
            _liked[i] = _liked[i] with { Norm = (float)Math.Sqrt(sum) };
        }
    }

    /// <summary>Reads the liked papers of the loaded model, left at <c>_likedAt</c> by <see cref="Load(byte[])"/>.</summary>
    private void ReadLiked()
    {
        var at = _likedAt;
        _likedAt = -1;
        for (var n = _likedCount; n > 0; n--)
        {
            var paperId = BinaryPrimitives.ReadInt64LittleEndian(_packed.AsSpan(at));
            at += 8;
            var titleLength = Int(ref at);
            var titleAt = at;
            at += titleLength;
            var start = _likedTerms.Count;
            for (var terms = Int(ref at); terms > 0; terms--)
            {
                _likedTerms.Add((_window.TermOf(BinaryPrimitives.ReadUInt64LittleEndian(_packed.AsSpan(at))), BinaryPrimitives.ReadSingleLittleEndian(_packed.AsSpan(at + 8))));
                at += 12;
            }
            _liked.Add(new Liked(paperId, titleAt, titleLength, start) { End = _likedTerms.Count });
        }
        NormLiked();
    }

    private int Int(ref int at)
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(_packed.AsSpan(at));
        at += 4;
        return value;
    }

    /// <summary>A liked paper of the loaded model: its title is _packed[TitleAt..+TitleLength), its terms _likedTerms[Start..End).</summary>
    private readonly record struct Liked(long PaperId, int TitleAt, int TitleLength, int Start)
    {
        public int End { get; init; }
        public float Norm { get; init; }
    }
}
