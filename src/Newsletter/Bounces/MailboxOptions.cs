namespace Newsletter.Bounces;

/// <summary>The <c>Bounces:Mailbox</c> section: where bounce reports are collected. An empty <see cref="Host"/> turns polling off.</summary>
public sealed class MailboxOptions
{
    /// <summary><c>imap</c> or <c>pop3</c>.</summary>
    public string Protocol { get; set; } = "imap";

    public string Host { get; set; } = "";

    /// <summary>0: the protocol's usual port for the security mode (IMAP 143/993, POP3 110/995).</summary>
    public int Port { get; set; }

    /// <summary><c>none</c>, <c>starttls</c> or <c>ssl</c>.</summary>
    public string Security { get; set; } = "ssl";

    public string User { get; set; } = "";
    public string Password { get; set; } = "";

    /// <summary>The IMAP folder read.</summary>
    public string Folder { get; set; } = "INBOX";

    /// <summary>IMAP: where processed messages are moved; empty deletes them. (POP3 always deletes.)</summary>
    public string DoneFolder { get; set; } = "";

    /// <summary>Messages read per poll; the rest wait for the next one.</summary>
    public int MaxMessagesPerPoll { get; set; } = 500;

    /// <summary>Seconds to wait for the server at each step.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>Whether polling is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>The port to connect to.</summary>
    public int EffectivePort => Port != 0 ? Port : (Protocol.ToLowerInvariant(), Security.ToLowerInvariant()) switch
    {
        ("pop3", "ssl") => 995,
        ("pop3", _) => 110,
        (_, "ssl") => 993,
        _ => 143,
    };
}
