using Microsoft.Extensions.Options;
using Newsletter.Matching;
using Newsletter.Web;

namespace Newsletter.Subscriptions;

/// <summary>The token links an email carries: confirm, manage preferences, unsubscribe.</summary>
public sealed class SubscriptionLinks(TokenStore tokens, ConfirmationStore confirmations, IOptions<SiteOptions> site, TimeProvider clock)
{
    /// <summary>
    /// Links for a digest: manage preferences, one-click unsubscribe and a stop link per topic. The tokens are the
    /// subscriber's long-lived ones (<see cref="TokenStore.LongLived(long, string, DateTimeOffset)"/>), so sending a
    /// digest adds no token rows.
    /// </summary>
    public DigestLinks ForDigest(long subscriberId, IEnumerable<string> topicSlugs) =>
        ForDigest(TokensFor([subscriberId])[subscriberId], topicSlugs);

    /// <summary>The digest links made from a reader's tokens (or from stand-ins filled in later).</summary>
    public DigestLinks ForDigest(ReaderTokens reader, IEnumerable<string> topicSlugs) => ForDigest(reader, topicSlugs, []);

    /// <summary>
    /// The digest links made from a reader's tokens (or stand-ins), with a stop link per topic and per keyword query.
    /// A keyword's link names it by <see cref="SubscriberFilter.KeywordKey"/>, so the query itself (any characters,
    /// slashes included) never has to travel in a URL path.
    /// </summary>
    public DigestLinks ForDigest(ReaderTokens reader, IEnumerable<string> topicSlugs, IEnumerable<string> keywords)
    {
        var manage = "/manage/" + reader.Manage;
        var stops = topicSlugs.Distinct(StringComparer.Ordinal)
            .ToDictionary(slug => slug, slug => site.Value.Link($"{manage}/stop/{Uri.EscapeDataString(slug)}"));
        var keywordStops = keywords.Distinct(StringComparer.Ordinal)
            .ToDictionary(keyword => keyword, keyword => site.Value.Link($"{manage}/stop-search/{SubscriberFilter.KeywordKey(keyword)}"));
        return new DigestLinks(site.Value.Link(manage), site.Value.Link("/unsubscribe/" + reader.Unsubscribe), stops)
        {
            KeywordStops = keywordStops,
        };
    }

    /// <summary>The manage and unsubscribe tokens of many readers, in one read (a sending batch).</summary>
    public IReadOnlyDictionary<long, ReaderTokens> TokensFor(IReadOnlyCollection<long> subscriberIds)
    {
        var now = clock.GetUtcNow();
        var both = tokens.LongLived(subscriberIds, [TokenStore.Manage, TokenStore.Unsubscribe], now);
        return both[0].ToDictionary(m => m.Key, m => new ReaderTokens(m.Value, both[1][m.Key]));
    }

    /// <summary>The link of a queued confirmation email (derived from its row, see <see cref="ConfirmationStore"/>).</summary>
    public string ForConfirmation(long confirmationId) =>
        site.Value.Link("confirm/" + confirmations.Token(confirmationId, clock.GetUtcNow()));

    /// <summary>The site-relative path of the subscriber's preferences page.</summary>
    public string ManagePath(long subscriberId) => "/manage/" + tokens.LongLived(subscriberId, TokenStore.Manage, clock.GetUtcNow());

    /// <summary>The site-relative path of the subscriber's private Atom feed (their digests' papers).</summary>
    public string FeedPath(long subscriberId) => "/feeds/" + tokens.LongLived(subscriberId, TokenStore.Feed, clock.GetUtcNow()) + ".atom";

    /// <summary>The site-relative path of the subscriber's unsubscribe page.</summary>
    public string UnsubscribePath(long subscriberId) => "/unsubscribe/" + tokens.LongLived(subscriberId, TokenStore.Unsubscribe, clock.GetUtcNow());
}
