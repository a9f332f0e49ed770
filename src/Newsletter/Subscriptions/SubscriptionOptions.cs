namespace Newsletter.Subscriptions;

/// <summary>The <c>Subscriptions</c> config section: link lifetimes, abuse caps and rate limits.</summary>
public sealed class SubscriptionOptions
{
    public const string Section = "Subscriptions";

    /// <summary>How long a confirmation link works, in hours.</summary>
    public int ConfirmationLifetimeHours { get; set; } = 48;

    /// <summary>Most confirmation emails one address receives per UTC day.</summary>
    public int MaxConfirmationsPerDay { get; set; } = 3;

    /// <summary>Most catalog topics per subscriber.</summary>
    public int MaxTopics { get; set; } = 25;

    /// <summary>Most own keyword queries per subscriber.</summary>
    public int MaxKeywords { get; set; } = 10;

    /// <summary>Longest keyword query, in characters.</summary>
    public int MaxKeywordLength { get; set; } = 100;

    /// <summary>Days of papers the preview covers.</summary>
    public int PreviewDays { get; set; } = 7;

    /// <summary>Subscribe requests (form or API) allowed per client IP per minute.</summary>
    public int SubscribePermitsPerMinute { get; set; } = 10;

    /// <summary>Preview requests allowed per client IP per minute.</summary>
    public int PreviewPermitsPerMinute { get; set; } = 60;

    /// <summary>Previews of one client IP that run at the same time (two more wait; beyond that, 429).</summary>
    public int PreviewsAtOncePerClient { get; set; } = 1;

    /// <summary>
    /// Days an address that never confirmed is kept after its last confirmation email; then it is deleted with
    /// everything about it. 0 keeps such addresses.
    /// </summary>
    public int UnconfirmedRetentionDays { get; set; } = 7;

    /// <summary>The confirmation link lifetime as a span.</summary>
    public TimeSpan ConfirmationLifetime => TimeSpan.FromHours(ConfirmationLifetimeHours);
}
