using System.Text;
using MimeKit;

namespace Newsletter.Mail;

/// <summary>
/// What goes on the wire after DATA's 354 for a message whose body is final (<see cref="WireBody"/>): the header block
/// as MimeKit writes it for SMTP, the body's bytes, each line that starts with '.' given a second one (RFC 5321,
/// 4.5.2), and the closing ".". Built in one buffer, so the session writes it at once instead of through MailKit's
/// dot-stuffing filter in 4 KB pieces.
/// </summary>
internal static class SmtpData
{
    // What MailKit's SmtpClient writes: CRLF line ends, a last line end ensured, Bcc never shown.
    private static readonly FormatOptions Wire = NewWireOptions();

    /// <summary>
    /// The envelope of a message that can go this way (a final body, plain ASCII addresses, so no SMTPUTF8), or null:
    /// <paramref name="envelopeFrom"/> or the From address, to the To addresses, as MailKit's send makes it for a
    /// message with no Sender, Cc, Bcc or Resent- headers (others go MailKit's way).
    /// </summary>
    public static (MailboxAddress Sender, IReadOnlyList<MailboxAddress> Recipients)? Envelope(MimeMessage message, MailboxAddress? envelopeFrom)
    {
        if (message.Body is not WireBody || message.Sender is not null || message.Cc.Count > 0 || message.Bcc.Count > 0
            || message.ResentSender is not null || message.ResentFrom.Count > 0 || message.From.Count != 1) return null;
        var sender = envelopeFrom ?? message.From.Mailboxes.SingleOrDefault();
        var recipients = message.To.Mailboxes.ToList();
        if (sender is null || recipients.Count == 0 || !Ascii.IsValid(sender.Address) || !recipients.All(r => Ascii.IsValid(r.Address))) return null;
        return (sender, recipients);
    }

    /// <summary>The message's DATA, dot-stuffed and ended by <c>CRLF "." CRLF</c>.</summary>
    public static ReadOnlyMemory<byte> Of(MimeMessage message)
    {
        var body = (WireBody)message.Body!;
        using var written = new MemoryStream(body.Bytes.Length + 4096);
        message.WriteTo(Wire, written);
        written.Write(".\r\n"u8);
        var bytes = written.GetBuffer().AsSpan(0, (int)written.Length);
        var stuffed = LinesStartingWithDot(bytes[..^3]);
        if (stuffed == 0) return written.GetBuffer().AsMemory(0, bytes.Length);
        var data = new byte[bytes.Length + stuffed];
        var to = 0;
        var from = 0;
        if (bytes[0] == (byte)'.') data[to++] = (byte)'.';
        while (true)
        {
            var next = bytes[from..^3].IndexOf("\n."u8);
            if (next < 0) break;
            bytes.Slice(from, next + 1).CopyTo(data.AsSpan(to));
            to += next + 1;
            from += next + 1;
            data[to++] = (byte)'.';
        }
        bytes[from..].CopyTo(data.AsSpan(to));
        return data;
    }

    private static int LinesStartingWithDot(ReadOnlySpan<byte> bytes)
    {
        var count = bytes.Length > 0 && bytes[0] == (byte)'.' ? 1 : 0;
        while (bytes.IndexOf("\n."u8) is var at and >= 0)
        {
            count++;
            bytes = bytes[(at + 2)..];
        }
        return count;
    }

    private static FormatOptions NewWireOptions()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.EnsureNewLine = true;
        options.HiddenHeaders.Add(HeaderId.Bcc);
        options.HiddenHeaders.Add(HeaderId.ResentBcc);
        options.HiddenHeaders.Add(HeaderId.ContentLength);
        return options;
    }
}
