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

    /// <summary>Each bad setting as one line naming its key; none when all are usable. Checked at start.</summary>
    public IEnumerable<string> Problems()
    {
        const string s = SubscriptionOptions.Section;
        if (ConfirmationLifetimeHours is < 1 or > 24 * 30) yield return $"{s}:ConfirmationLifetimeHours must be between 1 and 720";
        if (MaxConfirmationsPerDay < 1) yield return $"{s}:MaxConfirmationsPerDay must be at least 1";
        if (MaxTopics < 1) yield return $"{s}:MaxTopics must be at least 1";
        if (MaxKeywords < 0) yield return $"{s}:MaxKeywords must not be negative";
        if (MaxKeywordLength is < 1 or > 1000) yield return $"{s}:MaxKeywordLength must be between 1 and 1000";
        if (PreviewDays is < 1 or > 365) yield return $"{s}:PreviewDays must be between 1 and 365";
        if (SubscribePermitsPerMinute < 1) yield return $"{s}:SubscribePermitsPerMinute must be at least 1";
        if (PreviewPermitsPerMinute < 1) yield return $"{s}:PreviewPermitsPerMinute must be at least 1";
        if (PreviewsAtOncePerClient is < 1 or > 64) yield return $"{s}:PreviewsAtOncePerClient must be between 1 and 64";
        if (UnconfirmedRetentionDays is < 0 or > 3650)
            yield return $"{s}:UnconfirmedRetentionDays must be between 0 (keep) and 3650";
    }
}
