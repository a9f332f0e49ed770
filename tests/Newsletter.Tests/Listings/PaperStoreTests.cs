using Newsletter.Listings;
using Newsletter.Storage;

namespace Newsletter.Tests.Listings;

/// <summary>PaperStore on both providers (the same cases); its SQLite full-text upkeep is in <see cref="PaperFullTextIndexTests"/>.</summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class PaperStoreTests(string provider)
{
    private ListingsTestDatabase _db = null!;

    [SetUp] public void SetUp() => _db = new ListingsTestDatabase(provider);
    [TearDown] public void TearDown() => _db.Dispose();

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
    }

    [Test]
    public void Merge_TheSameListingLater_UpdatesUpvotesAndExtras_WithoutAnnouncingThePaperAgain()
    {
        var first = ListingsTestDatabase.Parse("hf-daily-extras.json").Entries;
        _db.Papers.Merge(first, "hf");
        var before = _db.Query<(long Id, DateTimeOffset FirstSeenAt)>("SELECT id, first_seen_at FROM papers ORDER BY id");
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
        Assert.That(_db.Query<(long Id, DateTimeOffset FirstSeenAt)>("SELECT id, first_seen_at FROM papers ORDER BY id"), Is.EqualTo(before),
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
}
