namespace Newsletter.Bounces;

/// <summary>
/// The ways in of the <c>Bounces</c> section: the mailbox, how often it is polled, and the webhooks (the policy's
/// <c>Bounces:SoftLimit</c> is read by <see cref="Delivery.BouncePolicyOptions"/>).
/// </summary>
public sealed class BounceOptions
{
    public const string Section = "Bounces";

    /// <summary>Cron expression (UTC) of the mailbox poll; only scheduled when a mailbox is configured.</summary>
    public string Cron { get; set; } = "*/10 * * * *";

    public MailboxOptions Mailbox { get; set; } = new();

    public WebhookOptions Webhooks { get; set; } = new();
}
