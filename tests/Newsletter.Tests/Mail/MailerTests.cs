using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Newsletter.Mail;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Mail;

/// <summary>Messages the mailer builds: their parts, and that they share no address instance.</summary>
public class MailerTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private static readonly DateTimeOffset Now = new(2026, 12, 2, 6, 20, 0, TimeSpan.Zero);

    private Mailer NewMailer() => new(
        Options.Create(new SmtpOptions()), Options.Create(new MailOptions { From = "Papers <papers@example.org>" }),
        new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = _workspace.Folder }, new FakeTimeProvider(Now));

    [Test]
    public void Compose_DatesTheMessage_ByTheServiceClock()
    {
        var message = NewMailer().Compose(MailboxAddress.Parse("r@example.org"), "Subject", "<p>Hi</p>", "Hi", "<d@example.org>");

        Assert.That(message.Date, Is.EqualTo(Now));
    }

    [Test]
    public void Compose_WritesTheHeadersInTheirOrder_WithTheGivenMessageIdAndNoOtherMade()
    {
        var message = NewMailer().Compose(MailboxAddress.Parse("r@example.org"), "Résumé of the week", "<p>Hi</p>", "Hi", "<d.7@example.org>");
        var wire = WireMessages.Bytes(message);
        var head = System.Text.Encoding.ASCII.GetString(wire).Split("\r\n\r\n")[0];
        var names = head.Split("\r\n").Where(l => !l.StartsWith(' ') && !l.StartsWith('\t')).Select(l => l[..l.IndexOf(':')]).ToList();

        Assert.That(names, Is.EqualTo(new[] { "From", "Date", "Subject", "Message-Id", "MIME-Version", "To", "Content-Type" }));
        Assert.That(head, Does.Contain("Message-Id: <d.7@example.org>").And.Contain("Date: Wed, 02 Dec 2026 06:20:00 +0000"));
        Assert.That(MimeMessage.Load(new MemoryStream(wire)).Subject, Is.EqualTo("Résumé of the week"));
    }

    // Regression: every message listed the mailer's one From instance, whose change event then referenced every
    // message's address list, so a send run kept all its messages in memory (1.4 GB after 20,000 digests). What
    // kept them alive was the shared instance: each message must get a From of its own.
    [Test]
    public void Compose_GivesEachMessageItsOwnFromAddress_SoNoSharedInstanceReachesEveryMessage()
    {
        var mailer = NewMailer();
        var messages = Enumerable.Range(0, 20)
            .Select(i => mailer.Compose(MailboxAddress.Parse($"r{i}@example.org"), "Subject", "<p>Hi</p>", "Hi", $"<{i}@example.org>"))
            .ToList();
        var froms = messages.Select(m => m.From.Mailboxes.Single()).ToList();

        Assert.That(new HashSet<MailboxAddress>(froms, ReferenceEqualityComparer.Instance), Has.Count.EqualTo(messages.Count),
            "no two messages hold the same From instance");
        Assert.That(froms, Has.None.SameAs(mailer.From), "nor the one the mailer hands out");
        froms[0].Name = "Changed in one message";
        var next = mailer.Compose(MailboxAddress.Parse("later@example.org"), "Subject", "<p>Hi</p>", "Hi", "<later@example.org>");
        Assert.That(next.From.Mailboxes.Single().Name, Is.EqualTo("Papers"), "a change to one message's From reaches no other");
        Assert.That(froms.Skip(1).Select(f => f.Name), Is.All.EqualTo("Papers"));
        Assert.That(mailer.From.Address, Is.EqualTo("papers@example.org"));
    }

    [Test]
    public void DisposedMessage_GivesItsBodysBufferBackOnce_SoNoTwoLaterMessagesShareOne()
    {
        var mailer = NewMailer();
        MimeMessage Compose() => mailer.Compose(MailboxAddress.Parse("r@example.org"), "S", "<p>Hi</p>", "Hi", "<1@example.org>");
        var sent = Compose();
        sent.Dispose();
        sent.Dispose();
        var (one, two) = (Compose(), Compose());

        Assert.That(Bytes(sent).Length, Is.Zero, "a disposed body writes nothing rather than another message's bytes");
        Assert.That(Unsafe.AreSame(ref MemoryMarshal.GetReference(Bytes(one)), ref MemoryMarshal.GetReference(Bytes(two))),
            Is.False, "the buffer was returned to the pool twice and rented to both");
        static ReadOnlySpan<byte> Bytes(MimeMessage message) => ((WireBody)message.Body!).Bytes;
    }

    [Test]
    public void Compose_EncodesBothPartsOnce_AsQuotedPrintableUtf8_ThatReadsBack()
    {
        var html = "<p>Résumé — naïve “quotes” and a line longer than seventy-six characters, which quoted-printable must fold somewhere safe.</p>";
        var message = NewMailer().Compose(MailboxAddress.Parse("r@example.org"), "S", html, "Plain text — ünïcode", "<1@example.org>");
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        var parsed = MimeMessage.Load(new MemoryStream(stream.ToArray()));

        Assert.That(parsed.BodyParts.OfType<TextPart>().Select(p => (p.ContentTransferEncoding, p.ContentType.Charset)),
            Is.All.EqualTo((ContentEncoding.QuotedPrintable, "utf-8")));
        Assert.That(stream.ToArray().All(b => b < 128), Is.True, "7-bit on the wire");
        Assert.That((parsed.HtmlBody, parsed.TextBody), Is.EqualTo((html, "Plain text — ünïcode")));
    }
}
