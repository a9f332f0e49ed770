using Microsoft.Extensions.Options;
using System.Buffers;
using System.Text;
using MimeKit;
using MimeKit.Encodings;

namespace Newsletter.Mail;

/// <summary>
/// The one way the product sends email: opens sessions to the configured SMTP relay, or to the pickup folder when
/// no host is set, and builds the From address every message carries.
/// </summary>
public sealed class Mailer(IOptions<SmtpOptions> smtp, IOptions<MailOptions> mail, IHostEnvironment environment, TimeProvider? clock = null)
{
    // Never handed out or added to a message: an address list listens to its addresses' change events, so a shared
    // instance in every message's From would reach, and keep alive, every message ever built.
    private readonly MailboxAddress _from = MailboxAddress.Parse(mail.Value.From);

    /// <summary>A new copy of the configured From mailbox (one per message; see above).</summary>
    public MailboxAddress From => new(_from.Name, _from.Address);

    /// <summary>The domain of the From address, used for Message-IDs.</summary>
    public string Domain => _from.Domain;

    /// <summary>Absolute path of the pickup folder (used when no SMTP host is set).</summary>
    public string PickupDirectory { get; } = Path.GetFullPath(Path.Combine(environment.ContentRootPath, smtp.Value.PickupDirectory));

    /// <summary>Where messages go, for logs: <c>sent to &lt;relay host&gt;</c> or <c>written to &lt;pickup folder&gt;</c>.</summary>
    public string Destination => smtp.Value.UsesPickupDirectory ? "written to " + PickupDirectory : "sent to " + smtp.Value.Host;

    /// <summary>Opens a session for many messages; dispose it when done.</summary>
    public IMailSession OpenSession() =>
        smtp.Value.UsesPickupDirectory ? new PickupDirectorySession(PickupDirectory) : new SmtpSession(smtp.Value);

    /// <summary>Sends one message on a session of its own (for single transactional emails).</summary>
    public async Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        await using var session = OpenSession();
        return await session.SendAsync(message, cancellationToken);
    }

    /// <summary>
    /// Builds a multipart/alternative message (text first, HTML preferred) from the service's From address.
    /// </summary>
    public MimeMessage Compose(MailboxAddress to, string subject, string html, string text, string messageId)
    {
        var message = new MimeMessage();
        message.From.Add(From);
        message.To.Add(to);
        message.Subject = subject;
        message.Date = (clock ?? TimeProvider.System).GetUtcNow();
        message.MessageId = messageId;
        message.Body = new MultipartAlternative { QuotedPrintable("plain", text), QuotedPrintable("html", html) };
        return message;
    }

    /// <summary>
    /// A UTF-8 text part encoded as quoted-printable once, here. Left to MimeKit, the encoding would be chosen by
    /// scanning the text and then redone on every write: for the DKIM body hash, for the SIZE measurement and for
    /// the SMTP data. Stored encoded, each write is a copy. Quoted-printable is 7-bit safe with short lines, so no
    /// relay re-encodes it (which would break a DKIM signature), and it stays readable for mostly-ASCII text.
    /// </summary>
    private static TextPart QuotedPrintable(string subtype, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        var encoder = new QuotedPrintableEncoder();
        // The encoder asks for room for the worst case (about three times the text): for a digest that is a
        // large-object-heap array, which only a full collection frees. Borrow it, keep an exact-size copy.
        var room = ArrayPool<byte>.Shared.Rent(encoder.EstimateOutputLength(bytes.Length));
        byte[] encoded;
        try
        {
            encoded = room.AsSpan(0, encoder.Flush(bytes, 0, bytes.Length, room)).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(room);
        }
        var part = new TextPart(subtype) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        part.ContentType.Charset = "utf-8";
        part.Content = new MimeContent(new MemoryStream(encoded, writable: false), ContentEncoding.QuotedPrintable);
        return part;
    }
}
