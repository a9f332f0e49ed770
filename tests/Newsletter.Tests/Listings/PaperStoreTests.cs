using Dapper;
using Newsletter.Listings;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Listings;

public class PaperStoreTests
{
    private TestWorkspace _workspace = null!;
    private ListingsTestDatabase _db = null!;

    [SetUp]
    public void SetUp()
    {
        _workspace = new TestWorkspace();
        _db = new ListingsTestDatabase(_workspace);
    }

    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public void Merge_TheSameListingTwice_AddsNothingTheSecondTime()
    {
        var entries = ListingsTestDatabase.Parse("arxiv-api.xml").Entries;

        var first = _db.Papers.Merge(entries, "api");
        var second = _db.Papers.Merge(entries, "api");

        Assert.That(first, Is.EqualTo((2, 0)));
        Assert.That(second, Is.EqualTo((0, 2)));
        Assert.That(_db.Papers.Count(), Is.EqualTo(2));
    }

    [Test]
    public void Merge_SameArxivId_KeepsTheLargerUpvotes_FillsMissingFields_AndRecordsEverySource()
    {
        _db.Papers.Merge(ListingsTestDatabase.Parse("arxiv-api.xml").Entries, "api");
        var hf = ListingsTestDatabase.Parse("hf-daily.json").Entries;

        var merged = _db.Papers.Merge(hf, "hf");
        _db.Papers.Merge([hf[0] with { Upvotes = 10 }], "hf-later");

        Assert.That(merged, Is.EqualTo((2, 1)), "2403.05678 and hep-th/9901001 are new; 2403.01234 was in the API feed");
        var row = _db.Query<(long Id, int? Upvotes, string? HfUrl, string? PdfUrl, string? GithubUrl)>(
            "SELECT id, upvotes, hf_url, pdf_url, github_url FROM papers WHERE arxiv_id = '2403.01234'").Single();
        Assert.That(row.Upvotes, Is.EqualTo(42));
        Assert.That(row.HfUrl, Is.EqualTo("https://huggingface.co/papers/2403.01234"));
        Assert.That(row.PdfUrl, Is.EqualTo("http://arxiv.org/pdf/2403.01234v2"), "a field already known is kept");
        Assert.That(row.GithubUrl, Is.EqualTo("https://github.com/example/mamba-retrieval"));
        Assert.That(_db.Query<string>("SELECT source FROM paper_sources WHERE paper_id = @Id ORDER BY source", new { row.Id }),
            Is.EqualTo(new[] { "api", "hf", "hf-later" }));
        Assert.That(_db.Query<string>("SELECT category FROM paper_categories WHERE paper_id = @Id ORDER BY category", new { row.Id }),
            Is.EqualTo(new[] { "cs.CL", "cs.LG" }));
    }

    [Test]
    public void Merge_SameTitleWithOtherCaseSpacingAndPunctuation_IsTheSamePaper()
    {
        _db.Papers.Merge([new ListingEntry("Mamba Meets Retrieval: Linear-Time Memory for Long Documents", "First.")], "page");

        var merged = _db.Papers.Merge([new ListingEntry("  MAMBA meets retrieval —\n linear time memory, for long documents! ", "Second.")
        {
            ArxivId = "2403.01234", Upvotes = 5,
        }], "hf");

        Assert.That(merged, Is.EqualTo((0, 1)));
        var row = _db.Query<(string? ArxivId, int? Upvotes, string Abstract)>("SELECT arxiv_id, upvotes, abstract FROM papers").Single();
        Assert.That(row, Is.EqualTo(("2403.01234", (int?)5, "First.")));
    }

    [Test]
    public void Merge_StoresTitlesWithWhitespaceFolded()
    {
        _db.Papers.Merge([new ListingEntry("A  Title\r\n   Over\tLines", "Abstract.")], "page");

        Assert.That(_db.Query<string>("SELECT title FROM papers").Single(), Is.EqualTo("A Title Over Lines"));
    }

    [Test]
    public void Merge_Replacement_UpdatesTheKnownPaperInPlace_AndNeverAddsAnUnknownOne()
    {
        _db.Papers.Merge(ListingsTestDatabase.Parse("hf-daily.json").Entries, "hf");
        var before = _db.Query<long>("SELECT id FROM papers WHERE arxiv_id = '2403.01234'").Single();
        var maxBefore = _db.Query<long>("SELECT MAX(id) FROM papers").Single();

        var merged = _db.Papers.Merge(ListingsTestDatabase.Parse("arxiv-rss.xml").Entries, "rss");

        Assert.That(merged, Is.EqualTo((2, 2)), "new and cross are added; both replacements count as duplicates");
        var replaced = _db.Query<(long Id, string Abstract)>("SELECT id, abstract FROM papers WHERE arxiv_id = '2403.01234'").Single();
        Assert.That(replaced.Id, Is.EqualTo(before), "a replacement keeps its sequence number, so it is never new to readers");
        Assert.That(replaced.Abstract, Does.StartWith("Revised:"));
        Assert.That(_db.Query<long>("SELECT COUNT(*) FROM papers WHERE arxiv_id = '2301.00001'").Single(), Is.Zero);
        Assert.That(_db.Query<long>("SELECT id FROM papers WHERE id > @maxBefore ORDER BY id", new { maxBefore }), Has.Count.EqualTo(2));
        Assert.That(_db.Query<long>("SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'revised'"), Is.EqualTo(new[] { before }),
            "the full-text index follows the revised abstract");
    }

    [Test]
    public void Merge_KeepsTheFullTextIndexInStep_ForTitleAbstractAndAuthors()
    {
        _db.Papers.Merge(ListingsTestDatabase.Parse("arxiv-rss.xml").Entries, "rss");

        Assert.That(_db.Query<string>(
                "SELECT p.arxiv_id FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid WHERE papers_fts MATCH @q ORDER BY p.id",
                new { q = "hopper OR denoising" }),
            Is.EqualTo(new[] { "2403.10001", "2403.10002" }));
        Assert.That(_db.Query<string>("SELECT category FROM paper_categories ORDER BY category"), Is.EqualTo(new[] { "cs.CL", "cs.LG", "cs.RO" }));
    }
    [Test]
    public void Merge_IndexesEveryNewPaper_AndTheIndexMatchesThePapersTable()
    {
        _db.Papers.Merge(ListingsTestDatabase.Parse("arxiv-api.xml").Entries, "api");
        var entries = Enumerable.Range(1, 40)
            .Select(i => new ListingEntry($"Paper number{i} on routing", $"Abstract mentioning marker{i}.") { Authors = [$"Author{i} Example"] })
            .ToList();

        var merged = _db.Papers.Merge(entries, "page");

        Assert.That(merged, Is.EqualTo((40, 0)));
        foreach (var i in Enumerable.Range(1, 40))
        {
            var expected = _db.Query<long>("SELECT id FROM papers WHERE title = @title", new { title = $"Paper number{i} on routing" });
            Assert.That(_db.Query<long>("SELECT rowid FROM papers_fts WHERE papers_fts MATCH @q", new { q = $"number{i}" }), Is.EqualTo(expected));
            Assert.That(_db.Query<long>("SELECT rowid FROM papers_fts WHERE papers_fts MATCH @q", new { q = $"marker{i}" }), Is.EqualTo(expected));
            Assert.That(_db.Query<long>("SELECT rowid FROM papers_fts WHERE papers_fts MATCH @q", new { q = $"author{i}" }), Is.EqualTo(expected));
        }
        AssertIndexMatchesPapers();
    }

    [Test]
    public void Merge_SamePaperTwiceInOneListing_IndexesItOnceWithTheAuthorsTheSecondCopyFilledIn()
    {
        var merged = _db.Papers.Merge(
            [new ListingEntry("Sparse Routing Revisited", "Plain abstract."),
             new ListingEntry("Sparse routing, revisited", "Plain abstract.") { Authors = ["Ada Quillfeather"] }], "page");

        Assert.That(merged, Is.EqualTo((1, 1)));
        Assert.That(_db.Query<long>("SELECT COUNT(*) FROM papers_fts WHERE papers_fts MATCH 'quillfeather'").Single(), Is.EqualTo(1));
        AssertIndexMatchesPapers();
    }

    [Test]
    public void Merge_ReplacementWithANewTitle_MovesTheIndexToTheNewTitle()
    {
        _db.Papers.Merge([new ListingEntry("Original Heading About Otters", "First version.") { ArxivId = "2403.07777" }], "api");
        var id = _db.Query<long>("SELECT id FROM papers").Single();

        var merged = _db.Papers.Merge(
            [new ListingEntry("Revised Heading About Beavers", "Second version.") { ArxivId = "2403.07777", UpdateOnly = true }], "rss");

        Assert.That(merged, Is.EqualTo((0, 1)));
        Assert.That(_db.Query<long>("SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'beavers'"), Is.EqualTo(new[] { id }));
        Assert.That(_db.Query<long>("SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'otters'"), Is.Empty);
        AssertIndexMatchesPapers();
    }

    [Test]
    public void Merge_NewPaperAndItsReplacementInOneListing_IndexesTheRevisedVersion()
    {
        var merged = _db.Papers.Merge(
            [new ListingEntry("Heading About Otters", "First version.") { ArxivId = "2403.08888" },
             new ListingEntry("Heading About Beavers", "Second version.") { ArxivId = "2403.08888", UpdateOnly = true }], "rss");

        Assert.That(merged, Is.EqualTo((1, 1)));
        Assert.That(_db.Query<long>("SELECT COUNT(*) FROM papers_fts WHERE papers_fts MATCH 'beavers AND second'").Single(), Is.EqualTo(1));
        Assert.That(_db.Query<long>("SELECT COUNT(*) FROM papers_fts WHERE papers_fts MATCH 'otters OR first'").Single(), Is.Zero);
        AssertIndexMatchesPapers();
    }

    [Test]
    public void Merge_LeavesNoDeferral_SoPapersWrittenElsewhereAreStillIndexedByTheTriggers()
    {
        _db.Papers.Merge(ListingsTestDatabase.Parse("arxiv-api.xml").Entries, "api");

        Assert.That(_db.Query<long>("SELECT COUNT(*) FROM papers_fts_deferred").Single(), Is.Zero);
        using (var connection = _db.Database.Open())
        {
            connection.Execute(
                """
                INSERT INTO papers (paper_key, title, normalized_title, abstract, first_seen_at, updated_at)
                VALUES ('title:x', 'Written Directly', 'written directly', 'About pangolins.', '2026-01-01', '2026-01-01')
                """);
        }
        Assert.That(_db.Query<long>("SELECT COUNT(*) FROM papers_fts WHERE papers_fts MATCH 'pangolins'").Single(), Is.EqualTo(1));
        AssertIndexMatchesPapers();
    }

    [Test]
    public void Merge_TheSameListingLater_UpdatesUpvotesAndExtras_WithoutAnnouncingThePaperAgain()
    {
        var first = ListingsTestDatabase.Parse("hf-daily-extras.json").Entries;
        _db.Papers.Merge(first, "hf");
        var before = _db.Query<(long Id, string FirstSeenAt)>("SELECT id, first_seen_at FROM papers ORDER BY id");
        var maxBefore = _db.Query<long>("SELECT MAX(id) FROM papers").Single();

        // The same day's listing an hour later: more upvotes, a repository added, the summary reworded.
        var later = first.Select(e => e with
        {
            Upvotes = e.Upvotes + 100,
            GithubUrl = e.GithubUrl + "-v2",
            ProjectUrl = null,
            AiSummary = "Reworded: " + e.AiSummary,
        }).ToList();
        var merged = _db.Papers.Merge(later, "hf");

        Assert.That(merged, Is.EqualTo((0, 2)), "nothing is new");
        Assert.That(_db.Query<(long Id, string FirstSeenAt)>("SELECT id, first_seen_at FROM papers ORDER BY id"), Is.EqualTo(before),
            "same ids (the ingest sequence digests advance by) and first-seen times");
        Assert.That(_db.Query<long>("SELECT MAX(id) FROM papers").Single(), Is.EqualTo(maxBefore));
        var papers = _db.Papers.Get(before.Select(p => p.Id).ToList());
        Assert.That(papers.Select(p => p.Upvotes), Is.EqualTo(first.Select(e => e.Upvotes + 100)));
        Assert.That(papers.Select(p => p.GithubUrl), Is.EqualTo(first.Select(e => e.GithubUrl + "-v2")));
        Assert.That(papers.Select(p => p.ProjectUrl), Is.EqualTo(first.Select(e => e.ProjectUrl)), "a listing without one keeps what is known");
        Assert.That(papers.Select(p => p.AiSummary), Is.EqualTo(first.Select(e => "Reworded: " + e.AiSummary)));
    }

    [Test]
    public void Get_FillsRepositoryProjectPageAndAiSummary()
    {
        _db.Papers.Merge(ListingsTestDatabase.Parse("hf-daily-extras.json").Entries, "hf");

        var paper = _db.Papers.Get(_db.Query<long>("SELECT id FROM papers WHERE arxiv_id = '2411.04997'")).Single();

        Assert.That(paper.GithubUrl, Is.EqualTo("https://github.com/example/summaries"));
        Assert.That(paper.ProjectUrl, Is.EqualTo("https://example.org/summaries"));
        Assert.That(paper.AiSummary, Is.EqualTo("A one-line summary that Hugging Face writes for each paper."));
        Assert.That(paper.Upvotes, Is.EqualTo(57));
    }

    /// <summary>FTS5's own check, comparing the external-content index with the papers rows (rank 1).</summary>
    private void AssertIndexMatchesPapers()
    {
        using var connection = _db.Database.Open();
        Assert.DoesNotThrow(() => connection.Execute("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)"));
        Assert.That(connection.ExecuteScalar<long>("SELECT COUNT(*) FROM papers_fts"), Is.EqualTo(connection.ExecuteScalar<long>("SELECT COUNT(*) FROM papers")));
    }
}
