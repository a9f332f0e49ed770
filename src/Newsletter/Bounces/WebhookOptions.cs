namespace Newsletter.Bounces;

/// <summary>The <c>Bounces:Webhooks</c> section: each provider's credentials.</summary>
public sealed class WebhookOptions
{
    public WebhookProviderOptions Generic { get; set; } = new();
    public WebhookProviderOptions Postmark { get; set; } = new();
    public WebhookProviderOptions Mailgun { get; set; } = new();
    public WebhookProviderOptions Ses { get; set; } = new();
    public WebhookProviderOptions Sendgrid { get; set; } = new();

    /// <summary>Largest webhook body read, in bytes.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>
    /// How far a signed timestamp (Mailgun's, SendGrid's) may be from now: an older call is a replay and is refused.
    /// </summary>
    public static readonly TimeSpan MaxSignatureAge = TimeSpan.FromMinutes(15);
}
