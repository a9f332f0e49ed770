using Newsletter.Subscriptions;

namespace Newsletter.Delivery;

/// <summary>
/// Everything a digest email shows, decided before rendering: who it is for, the period, the papers in rank order
/// and the links. Tests build one by hand to render with fixed links and times.
/// </summary>
public sealed record DigestContent
{
    public required string SiteName { get; init; }
    public required string Email { get; init; }

    /// <summary>The one date the digest is for, as its ledger row's period key holds it.</summary>
    public required DigestPeriod Period { get; init; }
    public required IReadOnlyList<DigestEntry> Entries { get; init; }
    public required DigestLinks Links { get; init; }

    /// <summary>The "view in browser" page of this digest, or null where there is none (previews, the page itself).</summary>
    public string? ArchiveUrl { get; init; }

    /// <summary>True when rendering the archive page: personal links (preferences, unsubscribe) are left out.</summary>
    public bool IsArchive { get; init; }

    /// <summary>
    /// What each paper's "more / less like this" links extend (<c>{url}/more/{paper}</c>), or null for the reader's
    /// preferences link (<see cref="DigestLinks.Manage"/>) in an email and for none on the archive page.
    /// </summary>
    public string? FeedbackUrl { get; init; }

    /// <summary>Where a visitor of the archive page can subscribe themselves.</summary>
    public string? SubscribeUrl { get; init; }

    /// <summary>The sending run's frames of the digest templates (see <see cref="DigestFrames"/>); null to evaluate them for this digest alone.</summary>
    public DigestFrames? Frames { get; init; }
}
