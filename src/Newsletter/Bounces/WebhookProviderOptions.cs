namespace Newsletter.Bounces;

/// <summary>
/// One provider's webhook credentials (<c>Bounces:Webhooks:&lt;Provider&gt;</c>); a provider with none set is off
/// and its URL answers 404. Generic uses <see cref="Secret"/>, Postmark <see cref="User"/> and
/// <see cref="Password"/> (basic auth), Mailgun <see cref="SigningKey"/>.
/// </summary>
public sealed class WebhookProviderOptions
{
    public string Secret { get; set; } = "";
    public string User { get; set; } = "";
    public string Password { get; set; } = "";
    public string SigningKey { get; set; } = "";
}
