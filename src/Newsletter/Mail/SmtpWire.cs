using System.Net.Sockets;
using System.Text;
using MailKit.Net.Smtp;
using MimeKit;

namespace Newsletter.Mail;

/// <summary>
/// One SMTP transaction for a message whose DATA is final already (<see cref="SmtpData"/>), spoken on the plain
/// connection MailKit opened (after its greeting, EHLO and login): MAIL, RCPT and DATA in one write when the server
/// offers PIPELINING (RFC 2920 lets DATA close the group), then the data in one write. MailKit's own send waits for
/// MAIL and RCPT before DATA (three round trips a message, not two) and passes every byte through its dot-stuffing
/// filter in 4 KB writes. Refusals are thrown as MailKit throws them (<see cref="SmtpCommandException"/> with the same
/// error codes), a lost connection as an <see cref="IOException"/> or <see cref="SocketException"/> and a silent
/// server after <c>Smtp:TimeoutSeconds</c> as a <see cref="TimeoutException"/>, so <see cref="SmtpSession"/>
/// classifies both ways alike. Every reply is shown to the <see cref="DataPhaseTracker"/>, which sees the 354.
/// </summary>
internal sealed class SmtpWire(Socket socket, DataPhaseTracker tracker, TimeSpan timeout)
{
    private readonly byte[] _input = new byte[4096];
    private int _start;
    private int _end;

    /// <summary>True when a refused transaction could not be reset: the connection must be dropped.</summary>
    public bool Broken { get; private set; }

    /// <summary>Sends <paramref name="data"/> from <paramref name="sender"/> to <paramref name="recipients"/>; returns the server's reply text.</summary>
    public async Task<string> SendAsync(
        ReadOnlyMemory<byte> data, MailboxAddress sender, IReadOnlyList<MailboxAddress> recipients, SmtpCapabilities capabilities,
        CancellationToken cancellationToken)
    {
        if (recipients.Count == 0) throw new ArgumentException("a message needs a recipient", nameof(recipients));
        var pipelined = capabilities.HasFlag(SmtpCapabilities.Pipelining);
        var size = capabilities.HasFlag(SmtpCapabilities.Size) ? $" SIZE={data.Length}" : "";
        var commands = new List<string>(recipients.Count + 2) { $"MAIL FROM:<{sender.Address}>{size}" };
        commands.AddRange(recipients.Select(r => $"RCPT TO:<{r.Address}>"));
        commands.Add("DATA");
        if (pipelined) await WriteAsync(Encoding.ASCII.GetBytes(string.Concat(commands.Select(c => c + "\r\n"))), cancellationToken);

        SmtpCommandException? refused = null;
        for (var i = 0; i < commands.Count - 1; i++)
        {
            var (code, text) = pipelined ? await ReadReplyAsync(cancellationToken) : await CommandAsync(commands[i], cancellationToken);
            if (code == SmtpStatusCode.Ok || (i > 0 && code == SmtpStatusCode.UserNotLocalWillForward)) continue;
            var refusal = i == 0
                ? new SmtpCommandException(SmtpErrorCode.SenderNotAccepted, code, sender, text)
                : new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, code, recipients[i - 1], text);
            // 421: the server is closing the connection, so no more replies will come.
            if (code == SmtpStatusCode.ServiceNotAvailable) throw refusal;
            refused ??= refusal;
            if (!pipelined) break;
        }
        if (refused is not null && !pipelined)
        {
            await ResetAsync(cancellationToken);
            throw refused;
        }

        var (dataCode, dataText) = pipelined ? await ReadReplyAsync(cancellationToken) : await CommandAsync("DATA", cancellationToken);
        if (dataCode != SmtpStatusCode.StartMailInput)
        {
            if (dataCode != SmtpStatusCode.ServiceNotAvailable) await ResetAsync(cancellationToken);
            throw refused ?? new SmtpCommandException(SmtpErrorCode.UnexpectedStatusCode, dataCode, dataText);
        }
        if (refused is not null)
        {
            // A server that answers DATA with 354 though it took no recipient gets an empty message, then RSET.
            await WriteAsync(".\r\n"u8.ToArray(), cancellationToken);
            await ReadReplyAsync(cancellationToken);
            await ResetAsync(cancellationToken);
            throw refused;
        }

        await WriteAsync(data, cancellationToken);
        var (endCode, endText) = await ReadReplyAsync(cancellationToken);
        if (endCode == SmtpStatusCode.Ok) return endText;
        if (endCode != SmtpStatusCode.ServiceNotAvailable) await ResetAsync(cancellationToken);
        throw new SmtpCommandException(SmtpErrorCode.MessageNotAccepted, endCode, endText);
    }

    // After a refusal the transaction is reset so the connection can carry the next message; when that fails the
    // refusal still stands (it says what happened to this message) and the session drops the connection.
    private async Task ResetAsync(CancellationToken cancellationToken)
    {
        try
        {
            Broken = (await CommandAsync("RSET", cancellationToken)).Code != SmtpStatusCode.Ok;
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or SmtpProtocolException)
        {
            Broken = true;
        }
    }

    private async Task<(SmtpStatusCode Code, string Text)> CommandAsync(string command, CancellationToken cancellationToken)
    {
        await WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), cancellationToken);
        return await ReadReplyAsync(cancellationToken);
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        using var limit = Limit(cancellationToken);
        try
        {
            while (!bytes.IsEmpty)
            {
                bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None, limit.Token)..];
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the server took no data for {timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>One reply, its lines joined by '\n' as MailKit joins them.</summary>
    private async Task<(SmtpStatusCode Code, string Text)> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var code = 0;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), out var lineCode) || (line.Length > 3 && line[3] is not (' ' or '-')))
                throw new SmtpProtocolException($"the server's reply cannot be read: '{line}'");
            if (code != 0 && lineCode != code) throw new SmtpProtocolException("the server's reply lines disagree on its status code");
            code = lineCode;
            if (text.Length > 0) text.Append('\n');
            text.Append(line, Math.Min(4, line.Length), Math.Max(0, line.Length - 4));
            if (line.Length == 3 || line[3] == ' ') return ((SmtpStatusCode)code, text.ToString());
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var end = _input.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (end >= 0)
            {
                var line = Encoding.UTF8.GetString(_input, _start, end);
                _start += end + 2;
                return line;
            }
            if (_start > 0)
            {
                _input.AsSpan(_start, _end - _start).CopyTo(_input);
                (_end, _start) = (_end - _start, 0);
            }
            if (_end == _input.Length) throw new SmtpProtocolException("the server's reply line is too long");
            var read = await ReceiveAsync(cancellationToken);
            if (read == 0) throw new IOException("the server closed the connection");
            tracker.LogServer(_input, _end, read);
            _end += read;
        }
    }

    private async Task<int> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var limit = Limit(cancellationToken);
        try
        {
            return await socket.ReceiveAsync(_input.AsMemory(_end), SocketFlags.None, limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the server did not answer in {timeout.TotalSeconds:0} s");
        }
    }

    private CancellationTokenSource Limit(CancellationToken cancellationToken)
    {
        var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        return limit;
    }
}
