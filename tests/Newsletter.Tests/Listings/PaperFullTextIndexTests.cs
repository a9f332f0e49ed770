using Dapper;
using Newsletter.Listings;
using Newsletter.Storage;

namespace Newsletter.Tests.Listings;

/// <summary>PaperStore's upkeep of SQLite's FTS5 index (PostgreSQL keeps none: matching indexes the window in memory).</summary>
public class PaperFullTextIndexTests
{
    private ListingsTestDatabase _db = null!;

    [SetUp] public void SetUp() => _db = new ListingsTestDatabase(StorageProviders.Sqlite);
    [TearDown] public void TearDown() => _db.Dispose();

    [Test]
    public void Merge_Replacement_MovesTheIndexToTheRevisedAbstract()
    {
        _db.Papers.Merge(ListingsTestDatabase.Parse("hf-daily.json").Entries, "hf");
        var before = _db.Query<long>("SELECT id FROM papers WHERE arxiv_id = '2403.01234'").Single();

        _db.Papers.Merge(ListingsTestDatabase.Parse("arxiv-rss.xml").Entries, "rss");

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

    /// <summary>FTS5's own check, comparing the external-content index with the papers rows (rank 1).</summary>
    private void AssertIndexMatchesPapers()
    {
        using var connection = _db.Database.Open();
        Assert.DoesNotThrow(() => connection.Execute("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)"));
        Assert.That(connection.ExecuteScalar<long>("SELECT COUNT(*) FROM papers_fts"), Is.EqualTo(connection.ExecuteScalar<long>("SELECT COUNT(*) FROM papers")));
    }
}
