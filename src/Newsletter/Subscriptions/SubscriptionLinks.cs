using Microsoft.Extensions.Options;
using Newsletter.Web;

namespace Newsletter.Subscriptions;

/// <summary>The token links an email carries: confirm, manage preferences, unsubscribe.</summary>
public sealed class SubscriptionLinks(TokenStore tokens, IOptions<SiteOptions> site, TimeProvider clock)
{
    /// <summary>Links for a digest: manage preferences, one-click unsubscribe and a stop link per topic.</summary>
    public DigestLinks ForDigest(long subscriberId, IEnumerable<string> topicSlugs)
    {
        var now = clock.GetUtcNow();
        var manage = tokens.Issue(subscriberId, TokenStore.Manage, now, expiresAt: null);
        var unsubscribe = tokens.Issue(subscriberId, TokenStore.Unsubscribe, now, expiresAt: null);
        var stops = topicSlugs.Distinct(StringComparer.Ordinal)
            .ToDictionary(slug => slug, slug => site.Value.Link($"manage/{manage}/stop/{Uri.EscapeDataString(slug)}"));
        return new DigestLinks(site.Value.Link("manage/" + manage), site.Value.Link("unsubscribe/" + unsubscribe), stops);
    }

    /// <summary>A confirmation link valid for <paramref name="lifetime"/>.</summary>
    public string ForConfirmation(long subscriberId, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow();
        return site.Value.Link("confirm/" + tokens.Issue(subscriberId, TokenStore.Confirm, now, now + lifetime));
    }
}
