using MailKit;
using MailKit.Net.Imap;
using MimeKit;
using Newsletter.Bounces;
using Newsletter.Delivery;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Bounces;

/// <summary>
/// Digests sent through smtp-sink with VERP, bounced back through each way in (the MTA pipe, the mailbox, a webhook),
/// and the next send skips exactly the readers the policy stopped.
/// </summary>
public class BounceEndToEndTests
{
    private const string NextPeriod = "daily:2026-11-25";
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private static string HeadersOf(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.Headers.WriteTo(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()).Trim();
    }

    private static MimeMessage Load(string text) => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)));

    private static string Report(string verp, MimeMessage digest, string action, string status) => $"""
        Delivered-To: {verp}
        From: MAILER-DAEMON@relay.example.net (Mail Delivery System)
        To: {verp}
        Subject: Undelivered Mail Returned to Sender
        Message-ID: <{Guid.NewGuid():N}@relay.example.net>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="b"

        --b
        Content-Type: message/delivery-status

        Reporting-MTA: dns; relay.example.net

        Final-Recipient: rfc822; {digest.To.Mailboxes.Single().Address}
        Action: {action}
        Status: {status}
        Diagnostic-Code: smtp; {status} test

        --b
        Content-Type: text/rfc822-headers

        {HeadersOf(digest)}

        --b--

        """;

    private static string Complaint(MimeMessage digest) => $"""
        From: fbl@isp.example.net
        To: abuse@newsletter.localhost
        Subject: complaint
        Message-ID: <{Guid.NewGuid():N}@isp.example.net>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="b"

        --b
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        Version: 1
        Original-Rcpt-To: <{digest.To.Mailboxes.Single().Address}>

        --b
        Content-Type: text/rfc822-headers

        {HeadersOf(digest)}

        --b--

        """;

    [Test]
    public async Task NextSend_SkipsExactlyTheReadersStoppedByBouncesAndComplaints()
    {
        var readers = LedgerSeed.Readers(_workspace.DatabasePath, 5);
        var webhookSecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var account = Dovecot.Shared.NewUser();
        var settings = new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1", ["Smtp:TimeoutSeconds"] = "5", ["Delivery:ReturnPath"] = "bounces@newsletter.localhost",
            ["Bounces:Mailbox:Protocol"] = "imap", ["Bounces:Mailbox:Host"] = "127.0.0.1", ["Bounces:Mailbox:Security"] = "none",
            ["Bounces:Mailbox:Port"] = Dovecot.Shared.ImapPort.ToString(), ["Bounces:Mailbox:User"] = account.User,
            ["Bounces:Mailbox:Password"] = account.Password, ["Bounces:Webhooks:Generic:Secret"] = webhookSecret,
        };
        using var first = new SmtpSink(_workspace.PathFor("first"));
        settings["Smtp:Port"] = first.Port.ToString();
        await using var app = new NewsletterFactory(_workspace, settings).Started();
        Assert.That(await app.Get<DeliverySender>().SendDueAsync(DateTimeOffset.UtcNow, CancellationToken.None), Is.EqualTo(5));

        var sent = first.Messages().ToDictionary(
            f => MimeMessage.Load(f).To.Mailboxes.Single().Address,
            f => (Message: MimeMessage.Load(f), Verp: SinkDump.EnvelopeSenders(first)[first.Messages().ToList().IndexOf(f)]));
        // Reader 1: a hard bounce through the MTA pipe. Reader 2: a complaint and reader 3: one delay, in the mailbox.
        var one = sent[LedgerSeed.Email(1)];
        var piped = NewsletterProcess.RunWithInput(
            new Dictionary<string, string> { ["Storage:Database"] = _workspace.DatabasePath, ["Delivery:ReturnPath"] = "bounces@newsletter.localhost" },
            Report(one.Verp, one.Message, "failed", "5.1.1"), "bounces", "import", "-");
        Assert.That(piped.ExitCode, Is.Zero, piped.Error + piped.Output);
        Assert.That(piped.Output, Does.Contain("matched by verp): reader suppressed"));
        using (var client = new ImapClient())
        {
            await client.ConnectAsync("127.0.0.1", Dovecot.Shared.ImapPort, MailKit.Security.SecureSocketOptions.None);
            await client.AuthenticateAsync(account.User, account.Password);
            await client.Inbox.AppendAsync(Load(Complaint(sent[LedgerSeed.Email(2)].Message)));
            var three = sent[LedgerSeed.Email(3)];
            await client.Inbox.AppendAsync(Load(Report(three.Verp, three.Message, "delayed", "4.4.1")));
            await client.DisconnectAsync(true);
        }
        var poll = await app.Get<BounceMailbox>().PollAsync(CancellationToken.None);
        Assert.That((poll.Read, poll.Unread, poll.Error), Is.EqualTo((2, 0, (string?)null)), string.Join("\n", poll.Lines));

        // Reader 4: a hard bounce reported by the relay's webhook, naming the ledger row.
        var fourth = LedgerSeed.Rows(_workspace.DatabasePath).Single(r => r.SubscriberId == readers[3]);
        using (var webhook = new HttpRequestMessage(HttpMethod.Post, "/webhooks/bounces/generic"))
        {
            webhook.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", webhookSecret);
            webhook.Content = new StringContent($$"""{ "deliveryId": {{fourth.Id}}, "type": "hard", "reason": "550 5.1.1 no such user" }""",
                System.Text.Encoding.UTF8, "application/json");
            var answer = await app.CreateClient().SendAsync(webhook);
            Assert.That((int)answer.StatusCode, Is.InRange(200, 299), await answer.Content.ReadAsStringAsync());
        }

        LedgerSeed.Readers(_workspace.DatabasePath, 5, period: NextPeriod);
        using var second = new SmtpSink(_workspace.PathFor("second"));
        settings["Smtp:Port"] = second.Port.ToString();
        await using var next = new NewsletterFactory(_workspace, settings).Started();
        await next.Get<DeliverySender>().SendDueAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.That(SinkDump.CountsByRecipient(second).Keys, Is.EquivalentTo(new[] { LedgerSeed.Email(3), LedgerSeed.Email(5) }),
            "the hard-bounced (pipe, webhook) and the complaining reader get nothing; one delay is below the soft limit");
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(1)), Is.EqualTo("suppressed"));
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(2)), Is.EqualTo("unsubscribed"));
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(4)), Is.EqualTo("suppressed"));
        var events = next.Get<BounceStore>().Recent(null, 10);
        Assert.That(events.Select(e => (e.Email, e.Kind, e.Source, e.MatchedBy)), Is.EquivalentTo(new[]
        {
            (LedgerSeed.Email(1), BounceKinds.Hard, BounceSources.Pipe, BounceMatches.Verp),
            (LedgerSeed.Email(2), BounceKinds.Complaint, BounceSources.Mailbox, BounceMatches.Header),
            (LedgerSeed.Email(3), BounceKinds.Soft, BounceSources.Mailbox, BounceMatches.Verp),
            (LedgerSeed.Email(4), BounceKinds.Hard, BounceSources.Webhook(BounceWebhooks.Generic), BounceMatches.Provider),
        }));
    }
}
