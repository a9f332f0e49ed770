using Newsletter.Listings;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Listings;

/// <summary>The four real listing pages kept under Fixtures/Listings/PapersPages: their paper counts and the distinct total.</summary>
public class PapersPagesTests
{
    private static string[] Pages() => Directory.GetFiles(RepositoryPaths.PapersPages, "*.txt").Order(StringComparer.Ordinal).ToArray();

    [Test]
    public void EachPapersPage_ParsesToItsKnownNumberOfPapers_WithoutRejections()
    {
        var parsed = Pages().Select(p => ListingParser.Parse(File.ReadAllBytes(p), ListingFormat.Auto, DateTimeOffset.UtcNow)).ToList();

        Assert.That(parsed.Select(p => p.Entries.Count), Is.EqualTo(new[] { 98, 87, 103, 71 }));
        Assert.That(parsed.SelectMany(p => p.Rejections), Is.Empty);
    }

    [Test]
    public void AllFourPapersPages_Hold310DistinctPapers_AndASecondIngestAddsNothing()
    {
        using var workspace = new TestWorkspace();
        var db = new ListingsTestDatabase(workspace);

        var first = Pages().Select(p => db.Papers.Merge(
            ListingParser.Parse(File.ReadAllBytes(p), ListingFormat.Auto, DateTimeOffset.UtcNow).Entries, Path.GetFileName(p))).ToList();
        var again = Pages().Select(p => db.Papers.Merge(
            ListingParser.Parse(File.ReadAllBytes(p), ListingFormat.Auto, DateTimeOffset.UtcNow).Entries, Path.GetFileName(p))).ToList();

        Assert.That(db.Papers.Count(), Is.EqualTo(310));
        Assert.That(first.Sum(r => r.New), Is.EqualTo(310));
        Assert.That(again.Sum(r => r.New), Is.Zero);
        Assert.That(db.Query<long>("SELECT COUNT(*) FROM papers_fts").Single(), Is.EqualTo(310));
    }
}
