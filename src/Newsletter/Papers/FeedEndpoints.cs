using Microsoft.Extensions.Options;
using Newsletter.ForYou;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Web;

namespace Newsletter.Papers;

/// <summary>
/// Atom feeds: every recent paper (<c>/papers.atom</c>), one catalog topic's recent matches
/// (<c>/topics/{slug}.atom</c>) and a reader's private feed of their digests' papers (<c>/feeds/{token}.atom</c>).
/// Each holds at most <see cref="PapersOptions.FeedEntries"/> entries and may be cached for
/// <see cref="PapersOptions.FeedCacheSeconds"/>.
/// </summary>
public static class FeedEndpoints
{
    /// <summary>Maps the three feeds.</summary>
    public static IEndpointRouteBuilder MapPaperFeeds(this IEndpointRouteBuilder app)
    {
        app.MapGet("/papers.atom", (HttpContext http, RecentPaperStore store, AtomFeed atom, IOptions<PapersOptions> options,
            IOptions<SiteOptions> site, TimeProvider clock) =>
        {
            var papers = store.Latest(options.Value.FeedEntries);
            return Feed(http, options.Value, isPrivate: false, atom.Write(
                atom.Id("papers"), $"{site.Value.Name}: recent papers", site.Value.Link("/papers.atom"), site.Value.Link("/papers"),
                papers, clock.GetUtcNow()));
        });

        app.MapGet("/topics/{slug}.atom", (string slug, HttpContext http, TopicCatalog topics, PaperSearch search, RecentPaperStore store,
            AtomFeed atom, IOptions<PapersOptions> options, IOptions<SiteOptions> site, TimeProvider clock) =>
        {
            if (topics.Find(slug) is not { } topic) return Results.Text("No such topic. See /api/topics for the list.", statusCode: StatusCodes.Status404NotFound);
            var limits = options.Value;
            var now = clock.GetUtcNow();
            PreviewResult matches;
            try
            {
                matches = search.Preview([topic.Slug], [], now.AddDays(-limits.FeedDays), DigestOrder.Trending, http.RequestAborted, limits.FeedEntries);
            }
            catch (QueryBudgetSpentException)
            {
                http.Response.Headers.RetryAfter = "60";
                return Results.Text("This feed took too long to build; try again in a minute.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            // Best matches are chosen, then shown newest first, as feed readers expect.
            var papers = store.Get(matches.Papers.Select(p => p.PaperId).ToList()).OrderByDescending(p => p.Id).ToList();
            var path = $"/topics/{Uri.EscapeDataString(topic.Slug)}.atom";
            return Feed(http, limits, isPrivate: false, atom.Write(
                atom.Id("topic:" + topic.Slug), $"{site.Value.Name}: {topic.Name}", site.Value.Link(path), null, papers, now));
        }).RequireRateLimiting(SubscriptionRateLimits.Preview); // a full-text query per request, like a preview

        app.MapGet("/feeds/{token}.atom", (string token, HttpContext http, TokenStore tokens, RecentPaperStore store, AtomFeed atom,
            IOptions<PapersOptions> options, IOptions<SiteOptions> site, TimeProvider clock) =>
        {
            var now = clock.GetUtcNow();
            var found = tokens.Find(token, TokenStore.Feed, now);
            if (found.Status != TokenStatus.Valid || found.SubscriberId is not { } reader)
                return Results.Text("Unknown feed.", statusCode: StatusCodes.Status404NotFound);
            var papers = store.Get(store.ReaderPaperIds(reader, options.Value.FeedEntries));
            return Feed(http, options.Value, isPrivate: true, atom.Write(
                atom.Id($"reader:{reader}"), $"{site.Value.Name}: your digests", site.Value.Link($"/feeds/{token}.atom"), null, papers, now,
                // The feed's own token, never the manage one: a feed reader (and whoever it shares with) holds this URL.
                paper => (site.Value.Link($"/feeds/{token}/{MarkStore.More}/{paper.Id}"), site.Value.Link($"/feeds/{token}/{MarkStore.Less}/{paper.Id}"))));
        });
        return app;
    }

    private static IResult Feed(HttpContext http, PapersOptions options, bool isPrivate, string xml)
    {
        // A reader's feed is theirs alone: shared caches must not keep it and search engines must not list it.
        http.Response.Headers.CacheControl = $"{(isPrivate ? "private" : "public")}, max-age={options.FeedCacheSeconds}";
        if (isPrivate) http.Response.Headers["X-Robots-Tag"] = "noindex";
        return Results.Content(xml, AtomFeed.ContentType);
    }
}
