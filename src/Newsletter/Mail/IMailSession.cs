using MimeKit;

namespace Newsletter.Mail;

/// <summary>
/// One open path to the outside: an SMTP connection reused for many messages, or the pickup folder.
/// A session is used by one worker at a time.
/// </summary>
public interface IMailSession : IAsyncDisposable, IDisposable
{
    /// <summary>Sends one message and returns the server's reply (or the file written).</summary>
    /// <exception cref="MailSendException">The message was not accepted; says whether it may be retried.</exception>
    Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Sends one message with <paramref name="envelopeFrom"/> as the SMTP envelope sender (Return-Path), when the
    /// path has one; the pickup folder has no envelope and ignores it.
    /// </summary>
    Task<string> SendAsync(MimeMessage message, MailboxAddress? envelopeFrom, CancellationToken cancellationToken) =>
        SendAsync(message, cancellationToken);

    /// <summary>
    /// As <see cref="SendAsync(MimeMessage, MailboxAddress?, CancellationToken)"/>, blocking the calling thread until
    /// the server answered: for a worker that owns its thread (one per connection).
    /// </summary>
    string Send(MimeMessage message, MailboxAddress? envelopeFrom, CancellationToken cancellationToken);
}
