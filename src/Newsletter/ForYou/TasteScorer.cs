using System.Text;
using System.Text.Json;

namespace Newsletter.ForYou;

/// <summary>
/// Scores one reader's <see cref="TasteModel"/> against a <see cref="WindowTerms"/>, reader after reader: loading a
/// model resolves its profile to the window's terms, and the first score asked for scores every window paper once
/// (the nudge of the matched papers and "Recommended for you" both read those). Everything it holds is reused from
/// reader to reader, so scoring allocates nothing that grows with the window; one thread at a time.
/// </summary>
public sealed class TasteScorer
{
    private readonly WindowTerms _window;
    private readonly float[] _scores;
    private readonly List<(int Paper, float Score)> _best = [];
    private bool _scored;

    // The loaded reader: profile terms known to the window (term, weight scaled by IDF and norm), in the stored order.
    private readonly List<(int Term, float Weight)> _terms = [];
    private readonly List<(int Term, float Weight)> _read = [];
    private readonly List<Liked> _liked = [];
    private readonly List<(int Term, float Weight)> _likedTerms = [];
    private readonly List<long> _marked = [];
    private byte[] _utf8 = new byte[16 * 1024];
    private int _utf8Length;
    private int _likedAt = -1;
    private int _likedCount;
    private char[] _chars = new char[128];

    /// <summary>A scorer over <paramref name="window"/>, holding no reader yet.</summary>
    public TasteScorer(WindowTerms window)
    {
        _window = window;
        _scores = new float[window.Count];
    }

    /// <summary>The window the scores are for.</summary>
    public WindowTerms Window => _window;

    /// <summary>True when the loaded model liked nothing: such a model recommends nothing.</summary>
    public bool IsEmpty => _likedCount == 0;

    /// <summary>Loads a model built in memory.</summary>
    public void Load(TasteModel model)
    {
        Clear();
        double sum = 0;
        foreach (var (term, weight) in model.Profile) sum += Read(term, weight);
        foreach (var example in model.Liked)
        {
            var start = _likedTerms.Count;
            foreach (var (term, weight) in example.Terms)
                _likedTerms.Add((_window.TermLookup.TryGetValue(term, out var t) ? t : -1, weight));
            _liked.Add(new Liked(example.PaperId, example.Title, start) { End = _likedTerms.Count });
        }
        _likedCount = _liked.Count;
        NormLiked();
        _marked.AddRange(model.Marked);
        Spread(sum);
    }

    /// <summary>
    /// Loads a model as stored (<see cref="TasteModel.ToJson"/>) without building it: terms are looked up in the window
    /// as they are read, so a planning run parses each marked reader's model once and keeps none of its strings. The
    /// liked papers are only counted here, and read when a recommendation asks which one it resembles.
    /// </summary>
    public void Load(string json)
    {
        var length = Encoding.UTF8.GetMaxByteCount(json.Length);
        if (_utf8.Length < length) _utf8 = new byte[Math.Max(length, _utf8.Length * 2)];
        _utf8Length = Encoding.UTF8.GetBytes(json, _utf8);
        var bytes = _utf8.AsSpan(0, _utf8Length);
        Clear();
        var reader = new Utf8JsonReader(bytes);
        double sum = 0;
        Expect(ref reader, JsonTokenType.StartObject);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("profile"u8))
            {
                Expect(ref reader, JsonTokenType.StartObject);
                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    var term = Term(ref reader);
                    Next(ref reader);
                    sum += Read(term, reader.GetSingle());
                }
            }
            else if (reader.ValueTextEquals("liked"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray);
                _likedAt = (int)reader.TokenStartIndex;
                while (Next(ref reader) == JsonTokenType.StartObject)
                {
                    _likedCount++;
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("marked"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray);
                while (Next(ref reader) == JsonTokenType.Number) _marked.Add(reader.GetInt64());
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }
        Spread(sum);
    }

    /// <summary>The loaded model's cosine with the window's <paramref name="paper"/>-th paper, in [-1, 1].</summary>
    public float Score(int paper)
    {
        if (!_scored)
        {
            ScoreAll(_scores);
            _scored = true;
        }
        return _scores[paper];
    }

    /// <summary>The cosine of every window paper with the loaded profile, indexed like the window (length <see cref="WindowTerms.Count"/>).</summary>
    public void ScoreAll(Span<float> scores)
    {
        scores.Clear();
        var postings = _window.Postings;
        foreach (var (term, weight) in _terms)
            foreach (var (paper, paperWeight) in postings.AsSpan(_window.PostingStart[term], _window.PostingStart[term + 1] - _window.PostingStart[term]))
                scores[paper] += weight * paperWeight;
    }

    /// <summary>
    /// The <paramref name="count"/> best window papers for the loaded reader, best first (ties to the earlier paper),
    /// among those scoring at least <paramref name="threshold"/> that the reader never marked and
    /// <paramref name="eligible"/> allows. Every paper is scored, once per reader, by walking the profile's terms'
    /// lists: on the benchmark's window that walk cost less than bounding the scores to skip terms (see
    /// tests/BENCHMARKS.md, "plan-marks"), and <see cref="Score"/> then costs nothing.
    /// </summary>
    public IReadOnlyList<(int Paper, float Score)> Top(float threshold, int count, Func<long, bool> eligible)
    {
        _best.Clear();
        for (var i = 0; i < _window.Count; i++)
        {
            var score = Score(i);
            if (score < threshold || (_best.Count == count && score <= _best[^1].Score)) continue;
            var id = _window.IdAt(i);
            if (!eligible(id) || Marked(id)) continue;
            var at = _best.FindIndex(b => b.Score < score);
            _best.Insert(at < 0 ? _best.Count : at, (i, score));
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
        (long, string)? found = null;
        var bestScore = 0f;
        foreach (var liked in _liked)
        {
            if (liked.Norm == 0) continue;
            var score = 0f;
            for (var i = liked.Start; i < liked.End; i++)
            {
                var (term, weight) = _likedTerms[i];
                if (term >= 0) score += weight * _window.Idf[term] * _window.WeightIn(paper, term);
            }
            score /= liked.Norm;
            if (score > bestScore) (found, bestScore) = ((liked.PaperId, liked.Title), score);
        }
        return found;
    }

    private void Clear()
    {
        _scored = false;
        _likedCount = 0;
        _likedAt = -1;
        _terms.Clear();
        _read.Clear();
        _liked.Clear();
        _likedTerms.Clear();
        _marked.Clear();
    }

    /// <summary>Keeps a profile term as read; returns what it adds to the squared norm (unknown terms count too).</summary>
    private double Read(ReadOnlySpan<char> term, float weight)
    {
        var known = _window.TermLookup.TryGetValue(term, out var t);
        _read.Add((known ? t : -1, weight));
        var scaled = weight * (known ? _window.ProfileIdfPrecise[t] : _window.UnseenProfileIdf);
        return scaled * scaled;
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

    /// <summary>Reads the liked papers of the loaded JSON model, left at <c>_likedAt</c> by <see cref="Load(string)"/>.</summary>
    private void ReadLiked()
    {
        var reader = new Utf8JsonReader(_utf8.AsSpan(_likedAt, _utf8Length - _likedAt));
        _likedAt = -1;
        Expect(ref reader, JsonTokenType.StartArray);
        while (Next(ref reader) == JsonTokenType.StartObject) _liked.Add(ReadLiked(ref reader));
        NormLiked();
    }

    private Liked ReadLiked(ref Utf8JsonReader reader)
    {
        long paperId = 0;
        var title = "";
        var start = _likedTerms.Count;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("paperId"u8))
            {
                Next(ref reader);
                paperId = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("title"u8))
            {
                Next(ref reader);
                title = reader.GetString() ?? "";
            }
            else if (reader.ValueTextEquals("terms"u8))
            {
                Expect(ref reader, JsonTokenType.StartObject);
                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    var known = _window.TermLookup.TryGetValue(Term(ref reader), out var t);
                    Next(ref reader);
                    _likedTerms.Add((known ? t : -1, reader.GetSingle()));
                }
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }
        return new Liked(paperId, title, start) { End = _likedTerms.Count };
    }

    private ReadOnlySpan<char> Term(ref Utf8JsonReader reader)
    {
        // Unescaped, a name is never longer in chars than its escaped UTF-8 bytes.
        if (_chars.Length < reader.ValueSpan.Length) _chars = new char[reader.ValueSpan.Length * 2];
        return _chars.AsSpan(0, reader.CopyString(_chars));
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("taste model ends early");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (Next(ref reader) != type) throw new JsonException($"taste model: expected {type}, found {reader.TokenType}");
    }

    /// <summary>A liked paper of the loaded model: its terms are _likedTerms[Start..End).</summary>
    private readonly record struct Liked(long PaperId, string Title, int Start)
    {
        public int End { get; init; }
        public float Norm { get; init; }
    }
}
