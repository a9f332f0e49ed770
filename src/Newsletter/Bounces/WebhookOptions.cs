namespace Newsletter.Bounces;

/// <summary>The <c>Bounces:Webhooks</c> section: each provider's credentials.</summary>
public sealed class WebhookOptions
{
    public WebhookProviderOptions Generic { get; set; } = new();
    public WebhookProviderOptions Postmark { get; set; } = new();
    public WebhookProviderOptions Mailgun { get; set; } = new();

    /// <summary>Largest webhook body read, in bytes.</summary>
    public const int MaxBodyBytes = 256 * 1024;
}
