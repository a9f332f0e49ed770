using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Matching;

/// <summary>
/// The highlights read off the window's tokens are highlight()'s, pair by pair: over real abstracts (the repository's
/// sample of papers) and a few written to hold what a tokenizer can trip on, for the catalog's queries, keywords
/// made of the abstracts' own words, and the shapes that must be left to highlight().
/// </summary>
public partial class WindowTokensTests
{
    // Accents composed and not (e + U+0301 is one token; U+20D7 is a mark FTS5 does not keep inside a word), digits,
    // hyphens, apostrophes, non-Latin scripts (Devanagari's vowel signs cut its words), characters beyond the BMP,
    // private use, a ligature, super- and subscripts, joiners and a letter newer than many Unicode tables.
    private static readonly string[] Written =
    [
        "Naïve Bayes and naive baselines: the café's re-ranking beats GPT-4o on 3.5% of long-context tasks; models’ scores rise.",
        "Cafe\u0301 cre\u0300me bru\u0302le\u0301e: a\u20D7b vectors, co\u0327a and Zoë's state-of-the-art state space models (SSMs) scale.",
        "Трансформеры и модели пространства состояний; Μοντέλα γλώσσας και διάχυση; 大型语言模型 的 推理 能力 提升 了。",
        "हिन्दी भाषा मॉडल, العربية النماذج اللغوية, and 한국어 언어 모델 beat English-only LLMs on x² and H₂O benchmarks.",
        "Math 𝑥𝑦 and Gothic 𐍈𐌰 letters, emoji 🚀 rockets, \uE000private\uE001 use, ﬁne-tuning ligatures, Ⅻ numerals, ½ fractions.",
        "Zero\u200Dwidth joiners, soft\u00ADhyphens, non\u00A0breaking spaces, \u2018quoted\u2019 words, \"double\" quotes — dashes – and … ellipses.",
        "A newer letter \uA7C0\uA7C1 (Old Polish o) and \U0001E030 modifier: tokens may differ; mamba scales, mamba-2 scales too.",
        "The apple\uF8FF logo: a private-use character, which the tokenizer keeps inside the word.",
        "Tokens that end in a mark: cafe\u0301 and ole\u0301 (none inside a word, so only where a word ends tells).",
        "model models modeling modelled remodel; data data data; state space state space; quantization quantized quantizing.",
    ];

    private TestWorkspace _workspace = null!;
    private Database _database = null!;
    private long _low, _high;
    private List<string> _abstracts = null!;

    [SetUp]
    public void SetUp()
    {
        _workspace = new TestWorkspace();
        _database = LedgerSeed.Migrated(_workspace.DatabasePath);
        using var sample = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Samples", "hf-daily-papers-sample.json"));
        _abstracts = JsonDocument.Parse(sample).RootElement.EnumerateArray()
            .Select(entry => entry.GetProperty("paper").GetProperty("summary").GetString()!).Concat(Written).ToList();
        using var connection = _database.Open();
        _low = connection.ExecuteScalar<long>("SELECT COALESCE(MAX(id), 0) FROM papers");
        for (var i = 0; i < _abstracts.Count; i++)
        {
            _high = connection.ExecuteScalar<long>(
                """
                INSERT INTO papers (paper_key, title, normalized_title, abstract, authors, first_seen_at, updated_at)
                VALUES (@key, @title, @key, @summary, 'Ada Lovelace', '2026-11-24T00:00:00Z', '2026-11-24T00:00:00Z') RETURNING id
                """, new { key = $"t-{i}", title = i % 2 == 0 ? "Mamba kernels" : "Diffusion models", summary = _abstracts[i] });
        }
    }

    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public void MarksReadOffTheTokens_AreHighlightsMarks_PairByPair()
    {
        using var connection = _database.Open();
        using var window = MatchWindow.Load(connection, _low, _high);
        using var highlighted = window.Open();
        using var read = window.Open();
        read.ReadTokens();
        var tokens = read.Tokens!;
        var queries = Queries();
        var shapes = WindowTokens.Shapes(queries, read.Terms);
        var papers = Enumerable.Range(1, _abstracts.Count + 1).Select(i => _low + i).ToList();
        var asked = queries.SelectMany(query => papers.Select(paper => (paper, query, 0))).ToList();

        var expected = highlighted.Spans(asked);
        var actual = read.Spans(asked);

        var (fromTokens, marked) = (0, 0);
        for (var i = 0; i < asked.Count; i++)
        {
            var (paper, query, _) = asked[i];
            Assert.That(actual[i], Is.EqualTo(expected[i]), $"'{query}' on paper {paper - _low}");
            if (shapes.TryGetValue(query, out var shape) && tokens.Marks(shape, paper) is { } marks)
            {
                Assert.That(marks, Is.EqualTo(expected[i]), $"'{query}' on paper {paper - _low}, from the tokens");
                fromTokens++;
                if (marks.Length > 0) marked++;
            }
        }
        Assert.That(tokens.Placed, Is.EqualTo(_abstracts.Count), "every abstract's tokens placed (as many as the index holds)");
        // Not all: a third of the queries are shapes left to highlight(), and an AND asked of a paper lacking one of
        // its phrases is too (every query is asked of every paper here).
        Assert.That(shapes.Count, Is.GreaterThan(queries.Count / 2), "most queries have a shape read off the tokens");
        Assert.That(fromTokens, Is.GreaterThan(asked.Count / 3), "and many pairs are");
        Assert.That(marked, Is.GreaterThan(2_000), "and many of them mark words");
    }

    [TestCase("mamba NOT scaling")]
    [TestCase("NEAR(state space, 3)")]
    [TestCase("title : mamba")]
    [TestCase("abstract : mamba OR diffusion")]
    [TestCase("(mamba) OR (diffusion)")]
    [TestCase("mamba AND diffusion OR video")]
    [TestCase("mamba OR diffusion video")]
    [TestCase("^mamba")]
    [TestCase("\"state\" + \"space\"")]
    [TestCase("mamba *")]
    [TestCase("mamba OR")]
    [TestCase("\"unclosed")]
    [TestCase("x*y")]
    [TestCase("state-space")]
    [TestCase("{title abstract} : mamba")]
    [TestCase("")]
    public void ShapesNotCopied_AreLeftToHighlight(string query)
    {
        using var connection = _database.Open();
        using var window = MatchWindow.Load(connection, _low, _high);
        using var store = window.Open();
        Assert.That(WindowTokens.Shapes([query], store.Terms), Is.Empty);
    }

    [TestCase("mamba", true, "mamba")]
    [TestCase("\"state space\" OR ssm OR \"Zoë's\"", false, "state space|ssm|Zoë's")]
    [TestCase("\"mamba\" \"scales\" AND x", true, "mamba|scales|x")]
    [TestCase("\"quantiz\"* OR a_b*", false, "quantiz*|a_b*")]
    [TestCase("\"say \"\"hi\"\"\" or", true, "say \"hi\"|or")]
    public void Phrases_AreParsed(string query, bool and, string phrases)
    {
        var parsed = new List<FlatQuery.Phrase>();
        Assert.That(FlatQuery.TryParse(query, parsed, out var all, out var excluded), Is.True);
        Assert.That(excluded, Is.Zero);
        Assert.That(all, Is.EqualTo(and));
        Assert.That(string.Join("|", parsed.Select(p => p.Text + (p.Prefix ? "*" : ""))), Is.EqualTo(phrases));
    }

    /// <summary>
    /// The catalog's topics, then keywords from the abstracts' own words as readers type them (translated as the
    /// planner translates them), then the shapes highlight() must answer.
    /// </summary>
    private List<string> Queries()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "appsettings.json")), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var queries = settings.RootElement.GetProperty("Topics").EnumerateArray().Select(t => t.GetProperty("Query").GetString()!).ToList();
        var random = new Random(7);
        foreach (var text in _abstracts)
        {
            var words = Word().Matches(text).Select(m => m.Value).ToList();
            for (var n = 0; n < 6 && words.Count > 1; n++)
            {
                var (a, at) = (words[random.Next(words.Count)], random.Next(words.Count - 1));
                var (b, c) = (words[at], words[at + 1]);
                string[] typed =
                [
                    a, $"{a} OR {b}", $"{a} {b}", $"\"{b} {c}\"", $"{b} AND {c}", $"{a}*", a[..Math.Min(a.Length, 1 + n)] + "*",
                    $"\"{b} {c[..Math.Min(c.Length, 3)]}\"*", $"{a.ToUpperInvariant()} or {b}", $"{a} OR {b} OR {c}*",
                    $"{a} NOT {b}", $"NEAR({b} {c}, 2)", $"title: {a}", $"({a} OR {b}) {c}", $"{a} AND {b} OR {c}",
                ];
                queries.AddRange(typed.Select(ReaderQuery.ToFts5).OfType<string>());
            }
        }
        // Raw FTS5, as a topic may be written: barewords, a star after a space, joined words, a repeated phrase.
        queries.AddRange(["mamba OR mamba", "state space", "\"data data\"", "model*", "models*", "quantiz* OR pruning", "mamba *",
            "a_b", "x²", "模型", "cafe*", "Café", "naïve OR naive", "\"\" OR mamba", "gpt 4o", "\"state space\" \"space state\""]);
        return queries.Distinct().ToList();
    }

    // What a reader might type as one word: letters, digits, marks, with the hyphens and apostrophes inside.
    [GeneratedRegex(@"[\p{L}\p{N}\p{M}]+(?:['’\-][\p{L}\p{N}\p{M}]+)*")]
    private static partial Regex Word();
}
