using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;

namespace Newsletter.Mail;

/// <summary>
/// The one way the product sends email: opens sessions to the configured SMTP relay, or to the pickup folder when
/// no host is set, and builds the From address every message carries.
/// </summary>
public sealed class Mailer(IOptions<SmtpOptions> smtp, IOptions<MailOptions> mail, IHostEnvironment environment, TimeProvider clock)
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
    /// Builds a multipart/alternative message (text first, HTML preferred) from the service's From address, its body
    /// written once as its final bytes (see <see cref="WireBody"/>).
    /// </summary>
    public MimeMessage Compose(MailboxAddress to, string subject, string html, string text, string messageId)
    {
        var body = new AlternativeBody();
        body.Part("plain").Write(text);
        body.Part("html").Write(html);
        return Compose(to, subject, messageId, body);
    }

    /// <summary>A message around a body whose parts the caller wrote (a digest writes its templates straight into it).</summary>
    public MimeMessage Compose(MailboxAddress to, string subject, string messageId, AlternativeBody body)
    {
        // Built from its headers, each made once with its final value: the parameterless constructor would make a
        // Message-ID and a local Date only to have them replaced, and a header made empty and set again is encoded
        // twice. The order is the one that constructor gives (From, Date, Subject, Message-Id, MIME-Version, To).
        var from = new Header(HeaderId.From, "");
        // A copy of the bytes MimeKit encoded for the configured mailbox: the message parses its own From list from them.
        from.SetRawValue((byte[])_fromValue.Clone());
        var message = new MimeMessage(
        [
            from,
            new Header(HeaderId.Date, DateUtils.FormatDate(clock.GetUtcNow())),
            new Header(HeaderId.Subject, subject),
            new Header(HeaderId.MessageId, messageId.StartsWith('<') ? messageId : "<" + messageId + ">"),
            new Header(HeaderId.MimeVersion, "1.0"),
        ]) { Body = new WireBody(body) };
        message.To.Add(to);
        return message;
    }

    // The From header's value as MimeKit encodes the configured mailbox: the same for every message, so encoded once.
    private readonly byte[] _fromValue = EncodedFrom(MailboxAddress.Parse(mail.Value.From));

    private static byte[] EncodedFrom(MailboxAddress from)
    {
        var message = new MimeMessage();
        message.From.Add(from);
        return message.Headers[message.Headers.IndexOf(HeaderId.From)].RawValue;
    }
}
