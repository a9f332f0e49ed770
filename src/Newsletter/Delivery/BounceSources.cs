namespace Newsletter.Delivery;

/// <summary>The ways a bounce event comes in.</summary>
public static class BounceSources
{
    /// <summary>A refusal during our own SMTP session.</summary>
    public const string Smtp = "smtp";
    /// <summary>A report read from the bounce mailbox (IMAP or POP3).</summary>
    public const string Mailbox = "mailbox";
    /// <summary>A report handed over by <c>bounces import</c> (an MTA pipe, a file).</summary>
    public const string Pipe = "pipe";

    /// <summary>A provider's webhook: <c>webhook:ses</c>, <c>webhook:postmark</c>, ...</summary>
    public static string Webhook(string provider) => "webhook:" + provider;
}
