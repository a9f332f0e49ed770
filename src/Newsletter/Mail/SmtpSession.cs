using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Newsletter.Mail;

/// <summary>
/// One MailKit connection kept open for many messages; reconnects when a fault closed it.
/// Classifies every failure so the ledger knows whether the server may already have the message.
/// </summary>
public sealed class SmtpSession(SmtpOptions options) : IMailSession
{
    private readonly SmtpClient _client = new() { Timeout = options.TimeoutSeconds * 1000 };

    public async Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        await EnsureConnectedAsync(cancellationToken);
        try
        {
            return await _client.SendAsync(message, cancellationToken);
        }
        catch (SmtpCommandException e)
        {
            var kind = e.StatusCode == SmtpStatusCode.ServiceNotAvailable || (int)e.StatusCode < 500
                ? SendFailureKind.Transient
                : SendFailureKind.Permanent;
            if (e.ErrorCode == SmtpErrorCode.MessageNotAccepted && (int)e.StatusCode < 500) kind = SendFailureKind.Transient;
            throw new MailSendException(kind, $"{(int)e.StatusCode} {e.Message}", e);
        }
        catch (SmtpProtocolException e)
        {
            await DropAsync();
            throw new MailSendException(SendFailureKind.Unknown, "protocol error: " + e.Message, e);
        }
        catch (Exception e) when (e is IOException or SocketException or ServiceNotConnectedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await DropAsync();
            // MailKit raises these both before and after DATA; without knowing, a resend could duplicate.
            throw new MailSendException(SendFailureKind.Unknown, "connection lost: " + e.Message, e);
        }
    }

    private async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected) return;
        var security = options.Security.ToLowerInvariant() switch
        {
            "ssl" => SecureSocketOptions.SslOnConnect,
            "starttls" => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        if (options.AcceptAnyCertificate) _client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        try
        {
            await _client.ConnectAsync(options.Host, options.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(options.User))
                await _client.AuthenticateAsync(options.User, options.Password, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await DropAsync();
            var kind = e is AuthenticationException ? SendFailureKind.Permanent : SendFailureKind.Transient;
            if (e is SmtpCommandException command && (int)command.StatusCode >= 500 && command.StatusCode != SmtpStatusCode.ServiceNotAvailable)
                kind = SendFailureKind.Permanent;
            throw new MailSendException(kind, $"cannot connect to {options.Host}:{options.Port}: {e.Message}", e);
        }
    }

    private async Task DropAsync()
    {
        try
        {
            if (_client.IsConnected) await _client.DisconnectAsync(quit: false);
        }
        catch (Exception)
        {
            // The connection is already broken; there is nothing left to close cleanly.
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected) await _client.DisconnectAsync(quit: true);
        }
        catch (Exception)
        {
            // Closing a connection the server already dropped: the messages' fates are recorded already.
        }
        _client.Dispose();
    }
}
