namespace Newsletter.Mail;

/// <summary>How far a failed send got, which decides what the ledger may do next.</summary>
public enum SendFailureKind
{
    /// <summary>A temporary fault before the server could have the message (4xx, 421, refused or dropped before data).</summary>
    Transient,

    /// <summary>The server refused the message for good (5xx).</summary>
    Permanent,

    /// <summary>The connection broke after the message data was sent: the server may have it.</summary>
    Unknown,
}

/// <summary>A message was not (or may not have been) delivered.</summary>
public sealed class MailSendException(SendFailureKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public SendFailureKind Kind { get; } = kind;

    /// <summary>
    /// The server refused the recipient: for good (<see cref="SendFailureKind.Permanent"/>), evidence that the reader's
    /// address does not work; for now (<see cref="SendFailureKind.Transient"/>, a 4xx to RCPT), a soft bounce once
    /// every attempt got one.
    /// </summary>
    public bool RecipientRefused { get; init; }

    /// <summary>No session could be opened (refused connection, greeting, EHLO or login failed): nothing was sent.</summary>
    public bool ConnectFailed { get; init; }
}
