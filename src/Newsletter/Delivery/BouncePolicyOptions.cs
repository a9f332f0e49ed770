namespace Newsletter.Delivery;

/// <summary>
/// The policy keys of the <c>Bounces</c> config section, read by <see cref="BouncePolicy"/> (which sits with the
/// ledger so the SMTP session applies it too); the ways in (mailbox, webhooks) are configured in Bounces/.
/// </summary>
public sealed class BouncePolicyOptions
{
    public const string Section = "Bounces";

    /// <summary>How many recent digests the soft-bounce count looks at.</summary>
    public const int SoftWindow = 5;

    /// <summary>A reader is suppressed when this many of their last <see cref="SoftWindow"/> digests soft-bounced; 0 never.</summary>
    public int SoftLimit { get; set; } = 3;

    /// <summary>Each bad setting of the section, naming its key.</summary>
    public IEnumerable<string> Problems()
    {
        if (SoftLimit is < 0 or > SoftWindow)
            yield return $"{Section}:SoftLimit: {SoftLimit} is not between 0 (never suppress) and {SoftWindow}";
    }
}
