using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Newsletter.Mail;

/// <summary>
/// One MailKit connection kept open for many messages (MailKit pipelines MAIL and RCPT when the server offers
/// PIPELINING, and sends BDAT instead of DATA when it offers CHUNKING); reconnects when a fault closed it.
/// Classifies every failure so the ledger knows whether the server may already have the message.
/// </summary>
public sealed class SmtpSession : IMailSession
{
    private readonly SmtpOptions _options;
    private readonly DataPhaseTracker _tracker = new();
    private readonly SmtpClient _client;

    public SmtpSession(SmtpOptions options)
    {
        _options = options;
        _client = new ChunkingSmtpClient(_tracker) { Timeout = options.TimeoutSeconds * 1000 };
        if (options.AcceptAnyCertificate) _client.ServerCertificateValidationCallback = (_, _, _, _) => true;
    }

    public Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken) =>
        SendAsync(message, envelopeFrom: null, cancellationToken);

    // The one way a message goes out is the blocking one (see Send); a caller that must not block gets it on a pool thread.
    public Task<string> SendAsync(MimeMessage message, MailboxAddress? envelopeFrom, CancellationToken cancellationToken) =>
        Task.Run(() => Send(message, envelopeFrom, cancellationToken), CancellationToken.None);

    /// <summary>
    /// Sends one message with MailKit's synchronous <c>Send</c>: the calling thread blocks on the socket, so each
    /// reply wakes it directly (a delivery worker owns a thread per connection), instead of an I/O completion
    /// dispatched through the thread pool at each of a message's round trips. <c>Smtp:TimeoutSeconds</c> bounds every
    /// read and write (the socket's own timeouts).
    /// </summary>
    public string Send(MimeMessage message, MailboxAddress? envelopeFrom, CancellationToken cancellationToken)
    {
        EnsureConnected(cancellationToken);
        _tracker.Reset();
        try
        {
            return envelopeFrom is null
                ? _client.Send(message, cancellationToken)
                : _client.Send(message, envelopeFrom, message.To.Mailboxes, cancellationToken);
        }
        catch (SmtpCommandException e)
        {
            var code = (int)e.StatusCode;
            var reply = $"{code} {e.Message}";
            // 421 means the server is closing the connection; any reply says the message was not taken.
            if (e.StatusCode == SmtpStatusCode.ServiceNotAvailable) Drop();
            if (code < 500 || e.StatusCode == SmtpStatusCode.ServiceNotAvailable)
                throw new MailSendException(SendFailureKind.Transient, reply, e)
                {
                    RecipientRefused = e.ErrorCode == SmtpErrorCode.RecipientNotAccepted && e.StatusCode != SmtpStatusCode.ServiceNotAvailable,
                };
            throw new MailSendException(SendFailureKind.Permanent, reply, e)
            {
                RecipientRefused = e.ErrorCode == SmtpErrorCode.RecipientNotAccepted || NamesTheMailbox(e.Message),
            };
        }
        catch (Exception e) when (e is SmtpProtocolException or IOException or SocketException or TimeoutException
                                      or ServiceNotConnectedException
                                  || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var dataStarted = _tracker.DataStarted;
            Drop();
            // Before the data, the server cannot have the message: a retry is safe. After it, it may have it.
            throw dataStarted
                ? new MailSendException(SendFailureKind.Unknown, "connection lost after the message data was sent: " + e.Message, e)
                : new MailSendException(SendFailureKind.Transient, "connection lost before the message data was sent: " + e.Message, e);
        }
    }

    /// <summary>True when the connection is open (it is opened on the first send and after a fault closed it).</summary>
    public bool IsConnected => _client.IsConnected;

    private void EnsureConnected(CancellationToken cancellationToken)
    {
        if (_client.IsConnected) return;
        var security = _options.Security.ToLowerInvariant() switch
        {
            "ssl" => SecureSocketOptions.SslOnConnect,
            "starttls" => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        try
        {
            // MailKit writes a message in 4 KB pieces, each a poll() and a send() and a TCP segment of its own:
            // gathered here, a digest goes out in one (when MailKit flushes, or before it reads a reply). Not a
            // NetworkStream, so MailKit no longer polls: a cancelled send waits out a reply (bounded by the timeout).
            _client.Connect(new BufferedStream(new NetworkStream(OpenSocket(cancellationToken), ownsSocket: true), 64 * 1024),
                _options.Host, _options.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(_options.User))
                _client.Authenticate(_options.User, _options.Password, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Drop();
            // Nothing about this message was refused: the relay is unreachable or refuses us, so try again later.
            throw new MailSendException(SendFailureKind.Transient, $"cannot connect to {_options.Host}:{_options.Port}: {e.Message}", e)
            {
                ConnectFailed = true,
            };
        }
    }

    // MailKit writes a message's end (".") and the next command as small segments; with Nagle's algorithm each
    // waits for the server's delayed ACK (~40 ms), which caps a connection at ~20 messages a second.
    // The socket stays blocking at the system level: .NET makes a socket non-blocking for good at its first
    // asynchronous call (ConnectAsync included), after which every blocking read that waits for a reply goes through
    // the runtime's epoll thread and a thread-pool work item (spinning pool threads) instead of the kernel waking
    // this thread. So the connect is the blocking one, bounded by the send timeout (Linux's connect() honours
    // SO_SNDTIMEO), and only the name lookup is asynchronous.
    private Socket OpenSocket(CancellationToken cancellationToken)
    {
        var timeoutMs = _options.TimeoutSeconds * 1000;
        IPAddress[] addresses;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(timeoutMs);
            addresses = Dns.GetHostAddressesAsync(_options.Host, timeout.Token).GetAwaiter().GetResult();
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendTimeout = timeoutMs, ReceiveTimeout = timeoutMs };
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            socket.Connect(addresses, _options.Port);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // Enhanced status codes 5.1.x (bad address) and 5.2.x (mailbox unusable) name the recipient even when the
    // refusal comes after the data.
    private static bool NamesTheMailbox(string reply) =>
        reply.Contains(" 5.1.", StringComparison.Ordinal) || reply.StartsWith("5.1.", StringComparison.Ordinal)
        || reply.Contains(" 5.2.", StringComparison.Ordinal) || reply.StartsWith("5.2.", StringComparison.Ordinal);

    private void Drop()
    {
        try
        {
            if (_client.IsConnected) _client.Disconnect(quit: false);
        }
        catch (Exception)
        {
            // The connection is already broken; there is nothing left to close cleanly.
        }
    }

    // MailKit sends BDAT (RFC 3030) instead of DATA when the relay offers CHUNKING and this says so: the message goes
    // out as written, one counted chunk after MAIL and RCPT, with no dot-stuffing pass over its bytes and no wait for
    // DATA's 354. A relay without CHUNKING (smtp-sink) still gets DATA.
    private sealed class ChunkingSmtpClient(IProtocolLogger logger) : SmtpClient(logger)
    {
        protected override bool PreferSendAsBinaryData => true;
    }

    public void Dispose()
    {
        try
        {
            if (_client.IsConnected) _client.Disconnect(quit: true);
        }
        catch (Exception)
        {
            // Closing a connection the server already dropped: the messages' fates are recorded already.
        }
        _client.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
