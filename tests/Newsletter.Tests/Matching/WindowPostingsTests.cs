using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Matching;

/// <summary>
/// <see cref="WindowIndexStore.Match"/> answers flat queries from the window's own tokens (<see cref="WindowPostings"/>):
/// for every query it must give FTS5's own answer, the same papers and the same bm25 to the bit (ranking, ties and
/// the ledger hang on it), and leave every other shape to FTS5.
/// </summary>
public partial class WindowPostingsTests
{
    private TestWorkspace _workspace = null!;
    private Database _database = null!;
    private long _low, _high;
    private List<string[]> _texts = null!;

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:[-'][\p{L}\p{N}]+)*")]
    private static partial Regex Word();

    [SetUp]
    public void SetUp()
    {
        _workspace = new TestWorkspace();
        _database = LedgerSeed.Migrated(_workspace.DatabasePath);
        // Real-looking papers: runs of the fixtures' own words (titles, abstracts, authors of the listing fixtures),
        // so phrases and word frequencies are the ones papers have, plus a few with accents, hyphens and repeats.
        var fixtures = Path.Combine(RepositoryPaths.Root, "tests", "Newsletter.Tests", "Fixtures");
        var words = new[] { "Papers/recent-papers.json", "Listings/hf-daily.json", "Listings/arxiv-api.xml", "Listings/arxiv-rss.xml", "papers-page-small.txt", "Subscriptions/papers-page.txt" }
            .SelectMany(f => Word().Matches(File.ReadAllText(Path.Combine(fixtures, f))).Select(m => m.Value))
            .Where(w => !w.StartsWith("http", StringComparison.Ordinal))
            .ToArray();
        var random = new Random(7);
        string Run(int min, int max)
        {
            var count = random.Next(min, max + 1);
            var from = random.Next(words.Length - count);
            return string.Join(' ', words, from, count);
        }
        var papers = Enumerable.Range(0, 240).Select(_ => (Title: Run(3, 10), Abstract: Run(10, 140), Authors: Run(2, 6))).ToList();
        papers.Add(("Schrödinger Bridges for Café Scenes", "A naïve state-space model, Schrödinger's way: model model model of scenes.", "Zoë Ångström, José Núñez"));
        papers.Add(("Mamba Mamba", "Mamba mamba MAMBA: the mamba scans; state space state space.", "Ada Lovelace"));
        papers.Add(("3D Gaussian Splatting at 60 FPS", "", "Li Wei"));
        papers.Add(("Running runners run", "A runner runs running races; runtime of the run.", ""));
        // A word 60 times in a title: its weighted frequency (300) does not fit a byte.
        papers.Add((string.Join(' ', Enumerable.Repeat("echo", 60)), "An echo of an echo.", "Echo Chamber"));
        // Four times in a title (20): a byte, not four bits, for every match of the query.
        papers.Add(("Delta delta delta delta", "A delta of deltas.", "Delta Lab"));
        using var connection = _database.Open();
        _low = connection.ExecuteScalar<long>("SELECT COALESCE(MAX(id), 0) FROM papers");
        for (var i = 0; i < papers.Count; i++)
        {
            _high = connection.ExecuteScalar<long>(
                """
                INSERT INTO papers (paper_key, title, normalized_title, abstract, authors, first_seen_at, updated_at, upvotes)
                VALUES (@key, @title, @key, @abstract, @authors, '2026-11-24T00:00:00Z', '2026-11-24T00:00:00Z', @upvotes) RETURNING id
                """, new { key = $"p-{i}", title = papers[i].Title, @abstract = papers[i].Abstract, authors = papers[i].Authors, upvotes = i % 7 });
        }
        _texts = papers.Select(p => Word().Matches($"{p.Title} {p.Abstract}").Select(m => m.Value).ToArray()).ToList();
    }

    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public void EveryQuery_GetsFts5sPapersAndScoreBits()
    {
        using var connection = _database.Open();
        using var window = MatchWindow.Load(connection, _low, _high);
        using var store = window.Open();
        var queries = Queries();
        var phrases = new List<FlatQuery.Phrase>();
        var (flat, matched) = (0, 0);
        foreach (var query in queries)
        {
            var expected = Fts5(store.Connection, query, window.Papers);
            var actual = Managed(store, query, window.Papers);
            Assert.That(actual, Is.EqualTo(expected), $"query {query}");
            if (FlatQuery.TryParse(query, phrases, out _, out _)) flat++;
            if (expected.Count > 0) matched++;
        }
        Assert.That(flat, Is.GreaterThan(queries.Count * 3 / 4), "most queries are flat: answered from the postings");
        Assert.That(matched, Is.GreaterThan(queries.Count / 2), "most queries match papers");
    }

    [Test]
    public void AResultsRanks_AreFts5sScoreBits_WhenKeptAsPhraseFrequencies()
    {
        using var connection = _database.Open();
        using var window = MatchWindow.Load(connection, _low, _high);
        using var store = window.Open();
        var (compact, exact) = (0, 0);
        foreach (var query in Queries().Append("echo").Append("echo OR chamber").Append("delta").Append("delta NOT lab"))
        {
            var expected = Fts5(store.Connection, query, window.Papers);
            if (expected is [(-1, _)] or []) continue;
            var hits = new List<FilterHit>();
            var relevance = store.Match(query, window.Papers, hits);
            var result = new FilterResult("keyword:" + query, hits.ToArray(), query, relevance: relevance, frequencies: store.Frequencies);
            var actual = Enumerable.Range(0, result.Count)
                .Select(i => (result.PaperAt(i), BitConverter.DoubleToInt64Bits(result.RankAt(i))))
                .OrderBy(h => h.Item1).ToList();
            Assert.That(actual, Is.EqualTo(expected), $"query {query}");
            if (result.RanksFromFrequencies) compact++;
            else exact++;
        }
        Assert.That(compact, Is.GreaterThan(exact), "most results keep their matches' phrase frequencies, not doubles");
        Assert.That(exact, Is.GreaterThan(0), "FTS5's shapes and frequencies over 255 keep doubles");
    }

    [Test]
    public void LearntWords_AnswerTheSameAsWordsLearntOneQueryAtATime()
    {
        using var connection = _database.Open();
        using var window = MatchWindow.Load(connection, _low, _high);
        using var learnt = window.Open();
        using var fresh = window.Open();
        var queries = Queries();
        learnt.Learn(queries);
        foreach (var query in queries)
            Assert.That(Managed(learnt, query, window.Papers), Is.EqualTo(Managed(fresh, query, window.Papers)), $"query {query}");
    }

    [Test]
    public void PostingsReadInOneScan_AfterSomeReadPerTerm_GetFts5sPapersAndScoreBits()
    {
        using var connection = _database.Open();
        using var window = MatchWindow.Load(connection, _low, _high);
        using var asking = window.Open();
        using var planning = window.Open();
        var queries = Queries();
        // Half the terms read when first asked, by one store; the rest by another's one scan, which skips the read ones.
        foreach (var query in queries.Where((_, i) => i % 2 == 0)) Managed(asking, query, window.Papers);
        planning.ReadPostings();
        foreach (var query in queries)
        {
            var expected = Fts5(planning.Connection, query, window.Papers);
            Assert.That(Managed(planning, query, window.Papers), Is.EqualTo(expected), $"query {query}");
            Assert.That(Managed(asking, query, window.Papers), Is.EqualTo(expected), $"query {query}");
        }
    }

    [Test]
    public void TermsReadWhenFirstAsked_ByStoresOnTwoThreadsAtOnce_GetFts5sPapersAndScoreBits()
    {
        using var connection = _database.Open();
        using var window = MatchWindow.Load(connection, _low, _high);
        var queries = Queries();
        List<(long Paper, long Bits)>[] expected;
        using (var fts5 = MatchWindow.Load(connection, _low, _high))
        using (var store = fts5.Open())
            expected = queries.Select(q => Fts5(store.Connection, q, fts5.Papers)).ToArray();
        var answers = new List<(long Paper, long Bits)>[2][];
        // Both threads ask the same queries in the same order, so most terms are first asked by both at once.
        Parallel.For(0, 2, thread =>
        {
            using var store = window.Open();
            answers[thread] = queries.Select(q => Managed(store, q, window.Papers)).ToArray();
        });
        for (var i = 0; i < queries.Count; i++)
        {
            Assert.That(answers[0][i], Is.EqualTo(expected[i]), $"query {queries[i]}");
            Assert.That(answers[1][i], Is.EqualTo(expected[i]), $"query {queries[i]}");
        }
    }

    [TestCase("\"state space\" OR mamba", true)]
    [TestCase("\"state\" \"space\"* AND llm", true)]
    [TestCase("a NOT b", true)]
    [TestCase("a \"b c\" NOT \"d\"* NOT e", true)]
    [TestCase("a AND b NOT c", true)]
    [TestCase("a OR b NOT c", false)]
    [TestCase("a NOT b c", false)]
    [TestCase("a NOT b AND c", false)]
    [TestCase("a NOT b OR c", false)]
    [TestCase("NOT a", false)]
    [TestCase("a NOT", false)]
    [TestCase("a NOT NOT b", false)]
    [TestCase("NEAR(a b, 5)", false)]
    [TestCase("title : a", false)]
    [TestCase("(a OR b)", false)]
    [TestCase("a OR b c", false)]
    [TestCase("a OR b AND c", false)]
    [TestCase("^a", false)]
    [TestCase("\"a\" *", false)]
    [TestCase("a OR", false)]
    [TestCase("\"open", false)]
    public void OnlyFlatQueries_AreAnsweredFromThePostings(string query, bool flat) =>
        Assert.That(FlatQuery.TryParse(query, [], out _, out _), Is.EqualTo(flat));

    [TestCase("a NOT b", true, 1, "a|b")]
    [TestCase("a \"b c\" NOT \"d\"* NOT e", true, 2, "a|b c|d*|e")]
    [TestCase("a", true, 0, "a")]
    public void ExcludedPhrases_AreParsedLast(string query, bool and, int excluded, string phrases)
    {
        var parsed = new List<FlatQuery.Phrase>();
        Assert.That(FlatQuery.TryParse(query, parsed, out var all, out var count), Is.True);
        Assert.That((all, count), Is.EqualTo((and, excluded)));
        Assert.That(string.Join("|", parsed.Select(p => p.Text + (p.Prefix ? "*" : ""))), Is.EqualTo(phrases));
    }

    private List<string> Queries()
    {
        var random = new Random(11);
        var queries = new List<string>();
        using (var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "appsettings.json")), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }))
            queries.AddRange(settings.RootElement.GetProperty("Topics").EnumerateArray().Select(t => t.GetProperty("Query").GetString()!));
        string Pick() => _texts[random.Next(_texts.Count)] is { Length: > 0 } text ? text[random.Next(text.Length)] : "mamba";
        string Phrase(int length)
        {
            var text = _texts[random.Next(_texts.Count)];
            if (text.Length < length) return Pick();
            var from = random.Next(text.Length - length + 1);
            return string.Join(' ', text, from, length);
        }
        string Prefix(string word) => word[..Math.Max(1, Math.Min(word.Length, random.Next(1, word.Length + 2)))];
        string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        for (var i = 0; i < 120; i++)
        {
            var (word, other) = (Pick(), Pick());
            queries.Add(Quote(word));
            queries.Add(ReaderQuery.ToFts5(word.ToUpperInvariant()) ?? Quote(word));
            queries.Add(Quote(Prefix(word)) + "*");
            queries.Add(Quote(Phrase(2)));
            queries.Add(Quote(Phrase(3)));
            queries.Add(Quote(Phrase(2)) + "*");
            queries.Add(Quote($"{Phrase(1)} {Prefix(Pick())}") + "*");
            queries.Add($"{Quote(word)} OR {Quote(other)} OR {Quote(Phrase(2))}");
            queries.Add($"{Quote(word)} AND {Quote(other)}");
            queries.Add($"{Quote(word)} {Quote(Prefix(other))}*");
            queries.Add($"{Quote(Phrase(2))} {Quote(word)} {Quote(other)}");
            queries.Add($"{Quote(word)} OR {Quote(word)}");
            queries.Add($"{Quote(word)} OR zqxv{i}");
            queries.Add($"{Quote(word)} AND zqxv{i}");
            queries.Add($"{Quote(word)} NOT {Quote(other)}");
            queries.Add($"{Quote(word)} {Quote(other)} NOT {Quote(Phrase(1))}");
            queries.Add($"{Quote(word)} AND {Quote(Phrase(2))} NOT {Quote(Prefix(other))}* NOT {Quote(Phrase(2))}");
            queries.Add($"{Quote(Prefix(word))}* NOT {Quote(other)}");
            queries.Add($"{Quote(word)} NOT zqxv{i}");
            queries.Add($"{Quote(word)} NOT {Quote(word)}");
            queries.Add($"{Quote(word)} OR {Quote(other)} NOT {Quote(Phrase(1))}");
            queries.Add($"{Quote(word)} NOT {Quote(other)} {Quote(Phrase(1))}");
            queries.Add($"NEAR({Quote(word)} {Quote(other)}, 10)");
            queries.Add($"title : {Quote(word)}");
            queries.Add($"({Quote(word)} OR {Quote(other)}) AND {Quote(Phrase(1))}");
        }
        queries.AddRange([
            "zqxvnothing", "\"zqxv nothing\"", "zqxv*", "\"mamba mamba\"", "\"state space\"*", "\"state spa\"*", "mam*", "m*",
            "\"running\"*", "runn*", "\"Schrödinger\"", "schrodinger", "\"cafe\"", "naïve", "\"zoe angstrom\"", "3d", "\"60 fps\"",
            ReaderQuery.ToFts5("state-space")!, ReaderQuery.ToFts5("\"state space\" OR Mamba* OR 3D")!, "\"-\"", "\"\"", "_", "a OR",
            "\"open", "^mamba", "\"model model\"", "\"model model model\"", "mamba OR mamba OR \"mamba mamba\"",
        ]);
        return queries;
    }

    private static List<(long Paper, long Bits)> Managed(WindowIndexStore store, string query, IReadOnlyDictionary<long, WindowPaper> papers)
    {
        var hits = new List<FilterHit>();
        try
        {
            store.Match(query, papers, hits);
        }
        catch (SqliteException)
        {
            return [(-1, 0)];
        }
        return hits.Select(h => (h.Paper, BitConverter.DoubleToInt64Bits(h.Rank))).ToList();
    }

    /// <summary>FTS5's own answer, asked directly as the store asked it before the postings: bm25 flipped.</summary>
    private static List<(long Paper, long Bits)> Fts5(SqliteConnection index, string query, IReadOnlyDictionary<long, WindowPaper> papers)
    {
        using var command = index.CreateCommand();
        command.CommandText = "SELECT rowid, bm25(paper, 5.0, 1.0, 1.0) FROM paper WHERE paper MATCH $query";
        command.Parameters.AddWithValue("$query", query);
        var found = new List<(long Paper, long Bits)>();
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                Assert.That(papers.ContainsKey(reader.GetInt64(0)));
                found.Add((reader.GetInt64(0), BitConverter.DoubleToInt64Bits(-reader.GetDouble(1))));
            }
        }
        catch (SqliteException)
        {
            return [(-1, 0)];
        }
        return found;
    }
}
