using Microsoft.Data.Sqlite;
using Newsletter.Matching;

namespace Newsletter.Tests.Subscriptions;

/// <summary>
/// Keywords as readers type them: which are accepted and what they match (through FTS5 itself, on a table shaped
/// like papers_fts), and which are refused with the rule they break.
/// </summary>
public class ReaderQueryTests
{
    private static readonly QueryOptions Limits = new();
    private SqliteConnection _fts = null!;

    [SetUp]
    public void SetUp()
    {
        _fts = new SqliteConnection("Data Source=:memory:");
        _fts.Open();
        Run($"CREATE VIRTUAL TABLE papers_fts USING fts5(title, abstract, authors, tokenize = '{WindowIndexStore.Tokenizer}')");
        string[][] papers =
        [
            ["Selective State Space Models", "Linear time sequence modelling.", "Ada Lovelace"],
            ["The Space of Reachable States", "A state of the art analysis of space.", "Grace Hopper"],
            ["Vision-Language Pretraining at Scale", "Images and captions.", "Alan Turing"],
            ["Quantization for Tiny Devices", "We quantize weights; mamba video baselines.", "Ada Lovelace"],
            ["Mamba for Text", "Long documents with Mamba.", "Edsger Dijkstra"],
        ];
        for (var i = 0; i < papers.Length; i++)
            Run("INSERT INTO papers_fts (rowid, title, abstract, authors) VALUES ($id, $t, $a, $au)",
                ("$id", i + 1), ("$t", papers[i][0]), ("$a", papers[i][1]), ("$au", papers[i][2]));
    }

    [TearDown]
    public void TearDown() => _fts.Dispose();

    [TestCase("state-space", new long[] { 1 })]
    [TestCase("vision-language", new long[] { 3 })]
    [TestCase("\"state space\"", new long[] { 1 })]
    [TestCase("state space", new long[] { 1, 2 })]
    [TestCase("quantiz*", new long[] { 4 })]
    [TestCase("mamba NOT video", new long[] { 5 })]
    [TestCase("mamba OR \"vision language\"", new long[] { 3, 4, 5 })]
    [TestCase("(mamba OR state-space) AND linear", new long[] { 1 })]
    [TestCase("NEAR(state analysis, 3)", new long[] { 2 })]
    [TestCase("title:mamba", new long[] { 5 })]
    [TestCase("authors:lovelace quantization", new long[] { 4 })]
    [TestCase("Lovelace NOT title:(state OR space)", new long[] { 4 })]
    [TestCase("gpt-4o OR node.js OR c++ OR mamba", new long[] { 4, 5 })]
    public void AcceptedKeyword_MatchesWhatItSays(string typed, long[] expected)
    {
        var expression = ReaderQuery.Translate(typed, Limits, out var problem);

        Assert.That(problem, Is.Null);
        Assert.That(Match(expression!), Is.EquivalentTo(expected), expression);
    }

    [TestCase("w* w* w*", "at least 3 letters before the *")]
    [TestCase("ab*", "at least 3 letters before the *")]
    [TestCase("\"state sp\"*", "at least 3 letters before the *")]
    [TestCase("NEAR(a* b, 2)", "at least 3 letters before the *")]
    [TestCase("abc* def* ghi*", "at most 2 prefix searches")]
    [TestCase("NEAR(one two three four five)", "at most 4 words or phrases in one NEAR")]
    [TestCase("NEAR(sparse attention, 1000)", "at most 20")]
    [TestCase("NEAR(sparse attention, ten)", "whole number")]
    [TestCase("NEAR(sparse attention", "NEAR( is not closed")]
    [TestCase("a OR b OR c OR d OR e OR f OR g", "at most 6 alternatives joined by OR")]
    [TestCase("(a OR b) OR (c OR d) OR (e OR (f OR g))", "at most 6 alternatives joined by OR")]
    [TestCase("one two three four five six seven eight nine ten eleven twelve thirteen", "at most 12 words")]
    [TestCase("\"one two three four five six seven eight nine ten eleven twelve thirteen\"", "at most 12 words")]
    [TestCase("body:mamba", "'body:' is not a column")]
    [TestCase("{title abstract}:mamba", "is not a column")]
    [TestCase("-title:mamba", "is not a column")]
    [TestCase("title: ", "must be followed by a word")]
    [TestCase("((((mamba))))", "at most 3 levels of parentheses")]
    [TestCase("\"unclosed phrase", "the quote opened at character 1 is not closed")]
    [TestCase("mamba \"state space", "the quote opened at character 7 is not closed")]
    [TestCase("(mamba", "a '(' is not closed")]
    [TestCase("mamba)", "a ')' has no '('")]
    [TestCase("NOT mamba", "NOT needs a word on each side")]
    [TestCase("mamba AND", "ends where a word is expected")]
    [TestCase("mamba, video", "use OR between alternatives")]
    [TestCase("mamba * video", "'*' must follow a word directly")]
    [TestCase("\"\"", "holds no word")]
    [TestCase("- ~", "holds no letters or digits")]
    [TestCase("   ", "it is empty")]
    public void RefusedKeyword_NamesTheRuleItBreaks(string typed, string rule)
    {
        var expression = ReaderQuery.Translate(typed, Limits, out var problem);

        Assert.That(expression, Is.Null);
        Assert.That(problem, Does.Contain(rule));
    }

    [Test]
    public void EveryTranslation_IsAnExpressionFts5Accepts()
    {
        // Shapes built from every piece of the language, including characters that are FTS5 syntax when bare.
        string[] pieces = ["mamba", "state-space", "\"flow \"\"matching\"\"\"", "quantiz*", "title:video", "NEAR(sparse attention, 5)",
            "(a OR b)", "x^2", "{weird}", "c++", "AND", "OR", "NOT", "NEAR", "'quoted'", "ümlaut", "a.b.c", "-", "*", ":"];
        var random = new Random(7);
        var accepted = 0;
        for (var i = 0; i < 3000; i++)
        {
            var typed = string.Join(" ", Enumerable.Range(0, random.Next(1, 5)).Select(_ => pieces[random.Next(pieces.Length)]));
            if (ReaderQuery.Translate(typed, Limits, out _) is not { } expression) continue;
            accepted++;
            Assert.DoesNotThrow(() => Match(expression), $"typed: {typed}; expression: {expression}");
        }
        Assert.That(accepted, Is.GreaterThan(300), "the shapes exercise accepted queries, not just refusals");
    }

    [Test]
    public void StoredKeyword_TranslatesWhateverTheLimits() =>
        Assert.That(ReaderQuery.ToFts5("a* b* c* d*"), Is.EqualTo("\"a\"* AND \"b\"* AND \"c\"* AND \"d\"*"));

    private List<long> Match(string expression)
    {
        using var command = _fts.CreateCommand();
        command.CommandText = "SELECT rowid FROM papers_fts WHERE papers_fts MATCH $q ORDER BY rowid";
        command.Parameters.AddWithValue("$q", expression);
        using var reader = command.ExecuteReader();
        var rows = new List<long>();
        while (reader.Read()) rows.Add(reader.GetInt64(0));
        return rows;
    }

    private void Run(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _fts.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }
}
