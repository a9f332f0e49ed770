namespace Newsletter.Bounces;

/// <summary>
/// One provider's webhook credentials (<c>Bounces:Webhooks:&lt;Provider&gt;</c>); a provider with none set is off
/// and its URL answers 404. Generic uses <see cref="Secret"/>, Postmark <see cref="User"/> and
/// <see cref="Password"/> (basic auth), Mailgun <see cref="SigningKey"/>, SES <see cref="TopicArn"/>, SendGrid
/// <see cref="PublicKey"/>.
/// </summary>
public sealed class WebhookProviderOptions
{
    public string Secret { get; set; } = "";
    public string User { get; set; } = "";
    public string Password { get; set; } = "";
    public string SigningKey { get; set; } = "";

    /// <summary>The SNS topic(s) SES publishes to, separated by commas; a message from any other topic is refused.</summary>
    public string TopicArn { get; set; } = "";

    /// <summary>SendGrid's verification key: base64 DER SubjectPublicKeyInfo of an ECDSA P-256 key.</summary>
    public string PublicKey { get; set; } = "";
}
