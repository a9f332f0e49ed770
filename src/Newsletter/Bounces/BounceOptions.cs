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

    private static readonly string[] Protocols = ["imap", "pop3"];
    private static readonly string[] SecurityModes = ["none", "starttls", "ssl"];

    /// <summary>Each bad setting of the section, naming its key.</summary>
    public IEnumerable<string> Problems()
    {
        const string s = BounceOptions.Section;
        // Hangfire reads the expression when the job is registered; catch the obvious mistakes here, with the key.
        var fields = (Cron ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is < 5 or > 6 || fields.Any(f => f.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('*' or '/' or ',' or '-' or '?' or 'L' or 'W' or '#'))))
            yield return $"{s}:Cron: '{Cron}' is not a cron expression of 5 or 6 fields";
        var m = Mailbox;
        if (!Protocols.Contains(m.Protocol, StringComparer.OrdinalIgnoreCase))
            yield return $"{s}:Mailbox:Protocol: '{m.Protocol}' is not imap or pop3";
        if (!SecurityModes.Contains(m.Security, StringComparer.OrdinalIgnoreCase))
            yield return $"{s}:Mailbox:Security: '{m.Security}' is not none, starttls or ssl";
        if (m.Port is < 0 or > 65535) yield return $"{s}:Mailbox:Port: {m.Port} is not a port (0 picks the usual one)";
        if (m.MaxMessagesPerPoll is < 1 or > 100_000) yield return $"{s}:Mailbox:MaxMessagesPerPoll: {m.MaxMessagesPerPoll} is not between 1 and 100000";
        if (m.TimeoutSeconds is < 1 or > 3600) yield return $"{s}:Mailbox:TimeoutSeconds: {m.TimeoutSeconds} is not between 1 and 3600";
        if (m.Enabled && string.IsNullOrWhiteSpace(m.User)) yield return $"{s}:Mailbox:User: needed when Bounces:Mailbox:Host is set";
        if (m.Enabled && string.IsNullOrWhiteSpace(m.Folder)) yield return $"{s}:Mailbox:Folder: must name a folder (INBOX)";
        foreach (var topic in Webhooks.Ses.TopicArn.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (!topic.StartsWith("arn:aws", StringComparison.Ordinal) || !topic.Contains(":sns:", StringComparison.Ordinal))
                yield return $"{s}:Webhooks:Ses:TopicArn: '{topic}' is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)";
        if (Webhooks.Sendgrid.PublicKey.Length > 0 && !IsP256Key(Webhooks.Sendgrid.PublicKey))
            yield return $"{s}:Webhooks:Sendgrid:PublicKey: is not a base64 ECDSA P-256 public key (SendGrid's verification key)";
    }

    private static bool IsP256Key(string base64)
    {
        try
        {
            using var key = System.Security.Cryptography.ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(base64), out _);
            return key.KeySize == 256;
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
