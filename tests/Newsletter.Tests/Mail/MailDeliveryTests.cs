using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Mail;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Mail;

public class MailDeliveryTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private Mailer MailerFor(SmtpOptions smtp) =>
        new(Options.Create(smtp), Options.Create(new MailOptions { From = "Papers <digest@papers.example>" }),
            new FakeEnvironment(_workspace.Folder), TimeProvider.System);

    private static MimeMessage Sample(Mailer mailer, string id) =>
        mailer.Compose(new MailboxAddress("", "reader@example.org"), "Ünïcode subject — 24 Nov",
            "<p>Hello <b>reader</b></p>", "Hello reader", id);

    [Test]
    public async Task PickupFolder_WritesAValidMultipartAlternativeMessage()
    {
        var mailer = MailerFor(new SmtpOptions { PickupDirectory = _workspace.Outbox });

        var reply = await mailer.SendAsync(Sample(mailer, "digest.7.daily.2026-11-24@papers.example"), CancellationToken.None);

        var files = _workspace.OutboxFiles();
        Assert.That(files, Has.Count.EqualTo(1));
        Assert.That(reply, Does.Contain(files[0]));
        var parsed = await MimeMessage.LoadAsync(files[0]);
        Assert.That(parsed.MessageId, Is.EqualTo("digest.7.daily.2026-11-24@papers.example"));
        Assert.That(parsed.Subject, Is.EqualTo("Ünïcode subject — 24 Nov"));
        Assert.That(parsed.From.Mailboxes.Single().Address, Is.EqualTo("digest@papers.example"));
        Assert.That(parsed.Body, Is.InstanceOf<MultipartAlternative>());
        Assert.That(parsed.TextBody?.Trim(), Is.EqualTo("Hello reader"));
        Assert.That(parsed.HtmlBody, Does.Contain("<b>reader</b>"));
        Assert.That(Directory.GetFiles(_workspace.Outbox, "*.tmp"), Is.Empty, "no half-written file is left behind");
    }

    [Test]
    public async Task Smtp_DeliversEveryMessageOverOneConnection_ToARealServer()
    {
        using var sink = new SmtpSink(_workspace.PathFor("sink"));
        var mailer = MailerFor(new SmtpOptions { Host = "127.0.0.1", Port = sink.Port });

        await using (var session = mailer.OpenSession())
        {
            for (var i = 0; i < 3; i++) await session.SendAsync(Sample(mailer, $"m{i}@papers.example"), CancellationToken.None);
        }

        var received = sink.Messages();
        Assert.That(received, Has.Count.EqualTo(3));
        var ids = received.Select(f => MimeMessage.Load(f).MessageId).Order().ToList();
        Assert.That(ids, Is.EqualTo(new[] { "m0@papers.example", "m1@papers.example", "m2@papers.example" }));
    }

    // Waiting for the relay's replies wakes the sending thread itself: the socket stays blocking at the system level.
    // One made non-blocking (as .NET does for good at an asynchronous connect) has each wait for a reply go through the
    // runtime's epoll thread, and the socket's other events (a write's completion, a reply that came before the read)
    // through thread-pool work items: 31 to 58 of them for these 39 messages, ~0.3 ms of CPU a digest in the benchmark.
    [Test]
    public void Smtp_KeepsTheRelaysConnectionBlocking_SoEachReplyWakesTheSendingThread()
    {
        using var sink = new SmtpSink(_workspace.PathFor("sink"));
        var mailer = MailerFor(new SmtpOptions { Host = "127.0.0.1", Port = sink.Port, TimeoutSeconds = 5 });

        using (var session = mailer.OpenSession())
        {
            session.Send(Sample(mailer, "b@papers.example"), null, CancellationToken.None);

            Assert.That(OpenSockets.ToPort(sink.Port), Has.Count.EqualTo(1).And.All.Property(nameof(OpenSocket.NonBlocking)).False);
        }
        Assert.That(sink.Messages(), Has.Count.EqualTo(1));
    }

    // The connect is a blocking one (above), bounded by Smtp:TimeoutSeconds like every read and write: a relay whose
    // listen queue is full drops the connection request, and the kernel would retry it for about two minutes.
    [Test]
    public void Smtp_GivesUpConnecting_AfterTheTimeout_WhenTheRelayNeverAnswers()
    {
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((System.Net.IPEndPoint)listener.LocalEndPoint!).Port;
        // The one connection a queue of length 0 holds, never accepted: the next request is dropped.
        using var first = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        first.Connect(System.Net.IPAddress.Loopback, port);
        var mailer = MailerFor(new SmtpOptions { Host = "127.0.0.1", Port = port, TimeoutSeconds = 1 });

        using var session = mailer.OpenSession();
        var sending = Task.Run(() => session.Send(Sample(mailer, "t@papers.example"), null, CancellationToken.None));

        Assert.That(Task.WhenAny(sending, Task.Delay(TimeSpan.FromSeconds(30))).Result, Is.SameAs(sending), "the connect gave up");
        var error = sending.Exception?.InnerException as MailSendException;
        Assert.That((error?.Kind, error?.ConnectFailed), Is.EqualTo(((SendFailureKind?)SendFailureKind.Transient, (bool?)true)), sending.Exception?.Message);
    }

    [Test]
    public void Smtp_ReportsAPermanentFailure_WhenTheServerRefusesTheRecipient()
    {
        using var sink = new SmtpSink(_workspace.PathFor("sink"), "-f", "rcpt");
        var mailer = MailerFor(new SmtpOptions { Host = "127.0.0.1", Port = sink.Port });

        var error = Assert.ThrowsAsync<MailSendException>(() => mailer.SendAsync(Sample(mailer, "x@papers.example"), CancellationToken.None))!;

        Assert.That(error.Kind, Is.EqualTo(SendFailureKind.Permanent));
        Assert.That(sink.Messages(), Is.Empty);
    }

    [Test]
    public void Smtp_ReportsATransientFailure_WhenTheServerDefersTheRecipient()
    {
        using var sink = new SmtpSink(_workspace.PathFor("sink"), "-r", "rcpt");
        var mailer = MailerFor(new SmtpOptions { Host = "127.0.0.1", Port = sink.Port });

        var error = Assert.ThrowsAsync<MailSendException>(() => mailer.SendAsync(Sample(mailer, "x@papers.example"), CancellationToken.None))!;

        Assert.That(error.Kind, Is.EqualTo(SendFailureKind.Transient));
    }

    [Test]
    public async Task Smtp_SendsData_WhenTheRelayDoesNotOfferChunking()
    {
        using var relay = new ChunkingRelay(offerChunking: false);
        var mailer = MailerFor(new SmtpOptions { Host = "127.0.0.1", Port = relay.Port });
        var message = Sample(mailer, "d@papers.example");

        await mailer.SendAsync(message, CancellationToken.None);

        var received = relay.Received.Single();
        Assert.That(received.Command, Is.EqualTo("DATA"));
        Assert.That(received.Message, Is.EqualTo(WireMessages.Bytes(message)), "the bytes as written, dots unstuffed by the relay");
    }

    // Most relays want TLS (submission on 587 with STARTTLS, or 465 from the first byte); the session writes through a
    // buffer of its own, which TLS must see flushed before each reply is read.
    [TestCase("starttls")]
    [TestCase("ssl")]
    public void Smtp_SendsOverTls_WhenTheRelayAsksForIt(string security)
    {
        using var relay = new ChunkingRelay { Tls = security };
        var mailer = MailerFor(new SmtpOptions { Host = "127.0.0.1", Port = relay.Port, Security = security, AcceptAnyCertificate = true, TimeoutSeconds = 10 });
        var messages = Enumerable.Range(0, 2).Select(i => Sample(mailer, $"t{i}@papers.example")).ToList();

        using (var session = mailer.OpenSession())
        {
            foreach (var message in messages) session.Send(message, null, CancellationToken.None);
        }

        Assert.That(relay.Received.Select(r => r.Message), Is.EqualTo(messages.Select(WireMessages.Bytes)), "each message's bytes, exactly");
        Assert.That(relay.ReceivedOverTls, Is.EqualTo(2), "both over TLS");
    }

    [Test]
    public async Task Smtp_SendsEachMessageAsOneBdatChunk_WhenTheRelayOffersChunking()
    {
        using var relay = new ChunkingRelay();
        var mailer = MailerFor(new SmtpOptions { Host = "127.0.0.1", Port = relay.Port });
        var messages = Enumerable.Range(0, 2).Select(i => Sample(mailer, $"b{i}@papers.example")).ToList();

        using (var session = mailer.OpenSession())
        {
            foreach (var message in messages) session.Send(message, MailboxAddress.Parse("bounces+1@papers.example"), CancellationToken.None);
        }

        Assert.That(relay.Received.Select(r => r.Command), Is.EqualTo(new[] { "BDAT", "BDAT" }));
        Assert.That(relay.Received.Select(r => r.Message), Is.EqualTo(messages.Select(WireMessages.Bytes)), "each message's bytes, exactly");
    }

    // BDAT carries the message with the command: once it is written the relay may have the message, so a connection
    // lost before its reply must not be retried (a second copy), as after DATA's data.
    [Test]
    public void Smtp_ReportsUnknown_WhenTheConnectionDropsAfterTheBdatChunk()
    {
        using var relay = new ChunkingRelay { DropAfterBdat = true };
        var mailer = MailerFor(new SmtpOptions { Host = "127.0.0.1", Port = relay.Port });

        var error = Assert.ThrowsAsync<MailSendException>(() => mailer.SendAsync(Sample(mailer, "u@papers.example"), CancellationToken.None))!;

        Assert.That(error.Kind, Is.EqualTo(SendFailureKind.Unknown), error.Message);
    }

    private sealed class FakeEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "Newsletter";
        public string ContentRootPath { get; set; } = root;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
