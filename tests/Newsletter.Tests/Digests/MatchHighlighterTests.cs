using Dapper;
using Newsletter.Delivery;
using Newsletter.Listings;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Digests;

/// <summary>The scratch-table highlighter marks exactly what FTS5's highlight() marks on the papers index itself.</summary>
public class MatchHighlighterTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [TestCase("mamba")]
    [TestCase("\"state space\"")]
    [TestCase("sampl*")]
    [TestCase("(models) OR (diffusion)")]
    [TestCase("NEAR(selective scaling, 5)")]
    [TestCase("mamba NOT transformer")]
    [TestCase("mamba NOT scaling")]
    [TestCase("title: kernels")]
    [TestCase("authors: lovelace")]
    [TestCase("naïve")]
    [TestCase("nothing-here-at-all")]
    [TestCase("\"unbalanced")]
    public void Highlight_MarksWhatThePapersIndexMarks(string query)
    {
        var database = LedgerSeed.Migrated(_workspace.DatabasePath);
        var paper = new Paper
        {
            Title = "Efficient Mamba Kernels for Selective State Space Models",
            Abstract = "We study selective state space models and their scaling. Mamba samplers beat naive diffusion sampling; "
                       + "state-space layers scale linearly. Naïve baselines lag.",
            Authors = "Ada Lovelace, Alan Turing",
        };
        using var connection = database.Open();
        var id = connection.ExecuteScalar<long>(
            """
            INSERT INTO papers (paper_key, title, normalized_title, abstract, authors, first_seen_at, updated_at)
            VALUES ('h-1', @Title, 'h-1', @Abstract, @Authors, '2026-11-24T00:00:00Z', '2026-11-24T00:00:00Z') RETURNING id
            """, paper);
        string? expected;
        try
        {
            expected = connection.ExecuteScalar<string?>(
                "SELECT highlight(papers_fts, 1, @start, @end) FROM papers_fts WHERE papers_fts MATCH @query AND rowid = @id",
                new { start = DigestExcerpt.MarkStart.ToString(), end = DigestExcerpt.MarkEnd.ToString(), query, id });
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            expected = null;
        }

        using var highlighter = new MatchHighlighter();
        Assert.That(highlighter.Highlight(paper, query), Is.EqualTo(expected));
    }

    [Test]
    public void Highlight_FollowsAnUpdatedPaper_AfterHighlightingItsEarlierText()
    {
        using var highlighter = new MatchHighlighter();
        var before = new Paper { Id = 7, Title = "T", Abstract = "Mamba layers for speech.", Authors = "A" };
        var after = before with { Abstract = "Diffusion samplers, then Mamba." };

        Assert.That(highlighter.Highlight(before, "mamba"), Is.EqualTo($"{DigestExcerpt.MarkStart}Mamba{DigestExcerpt.MarkEnd} layers for speech."));
        Assert.That(highlighter.Highlight(after, "mamba"), Is.EqualTo($"Diffusion samplers, then {DigestExcerpt.MarkStart}Mamba{DigestExcerpt.MarkEnd}."));
        Assert.That(highlighter.Highlight([(before, "speech"), (after, "mamba"), (before, "mamba")]),
            Is.EqualTo(new[]
            {
                $"Mamba layers for {DigestExcerpt.MarkStart}speech{DigestExcerpt.MarkEnd}.",
                $"Diffusion samplers, then {DigestExcerpt.MarkStart}Mamba{DigestExcerpt.MarkEnd}.",
                $"{DigestExcerpt.MarkStart}Mamba{DigestExcerpt.MarkEnd} layers for speech.",
            }));
    }

    [Test]
    public void Tokenizer_IsThePapersIndexTokenizer()
    {
        var database = LedgerSeed.Migrated(_workspace.DatabasePath);
        using var connection = database.Open();
        var sql = connection.ExecuteScalar<string>("SELECT sql FROM sqlite_master WHERE name = 'papers_fts'");
        Assert.That(sql, Does.Contain($"'{MatchHighlighter.Tokenizer}'"));
    }
}
