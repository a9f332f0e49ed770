using Newsletter.Listings;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Papers;

/// <summary>Steps the papers page and feed tests share.</summary>
public static class PaperSteps
{
    /// <summary>Seven papers over four days (23–26 Nov 2026), with upvotes, authors and arXiv ids.</summary>
    public static async Task IngestRecentPapersAsync(NewsletterFactory app) =>
        await app.Get<ListingIngester>().IngestAsync(RepositoryPaths.Fixture("Papers/recent-papers.json"), "recent", CancellationToken.None);
}
