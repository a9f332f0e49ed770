using Dapper;
using MimeKit;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>Each fault smtp-sink can inject, and what the ledger and the receiving server hold afterwards.</summary>
public class DeliveryFaultTests
{
    private const int Readers = 6;
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private NewsletterFactory AppFor(int port, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = port.ToString(), ["Smtp:TimeoutSeconds"] = "2",
        };
        foreach (var (key, value) in extra ?? []) settings[key] = value;
        return new NewsletterFactory(_workspace, settings).Started();
    }

    private async Task<int> SendAsync(int port, DateTimeOffset at, Dictionary<string, string?>? extra = null)
    {
        await using var app = AppFor(port, extra);
        return await app.Get<DeliverySender>().SendDueAsync(at, CancellationToken.None);
    }

    private async Task AssertALaterRunDeliversEachReaderOnce(DateTimeOffset at)
    {
        using var good = new SmtpSink(_workspace.PathFor("good"));
        await SendAsync(good.Port, at);
        Assert.That(LedgerSeed.States(_workspace.DatabasePath), Is.EqualTo(new Dictionary<string, int> { ["sent"] = Readers }));
        var counts = SinkDump.CountsByRecipient(good);
        Assert.That(counts.Keys, Is.EquivalentTo(Enumerable.Range(1, Readers).Select(LedgerSeed.Email)), "every reader got the digest");
        Assert.That(counts.Values, Is.All.EqualTo(1), "no reader got it twice");
    }

    [TestCase("-r", "rcpt", TestName = "TemporaryFault_IsRetriedLater_When_RcptGets4xx")]
    [TestCase("-r", "mail", TestName = "TemporaryFault_IsRetriedLater_When_MailGets4xx")]
    [TestCase("-r", "data", TestName = "TemporaryFault_IsRetriedLater_When_DataGets4xx")]
    [TestCase("-Q", "rcpt", TestName = "TemporaryFault_IsRetriedLater_When_RcptGets421AndTheServerHangsUp")]
    [TestCase("-Q", "data", TestName = "TemporaryFault_IsRetriedLater_When_DataGets421AndTheServerHangsUp")]
    [TestCase("-q", "rcpt", TestName = "TemporaryFault_IsRetriedLater_When_TheConnectionDropsAtRcpt")]
    [TestCase("-q", "data", TestName = "TemporaryFault_IsRetriedLater_When_TheConnectionDropsBeforeTheData")]
    public async Task TemporaryFault_IsRetriedLater(string option, string command)
    {
        LedgerSeed.Readers(_workspace, Readers);
        var now = DateTimeOffset.UtcNow;
        using (var faulty = new SmtpSink(_workspace.PathFor("faulty"), option, command))
        {
            var sent = await SendAsync(faulty.Port, now);

            Assert.That(sent, Is.Zero);
            Assert.That(SinkDump.CountsByRecipient(faulty), Is.Empty, "the server has no message");
            var rows = LedgerSeed.Rows(_workspace.DatabasePath);
            Assert.That(rows.Select(r => r.State), Is.All.EqualTo("retry"));
            Assert.That(rows.Select(r => r.Attempts), Is.All.EqualTo(1));
            Assert.That(rows.Select(r => r.LastError), Is.All.Not.Empty);

            Assert.That(await SendAsync(faulty.Port, now), Is.Zero, "a retry waits for its backoff");
            Assert.That(LedgerSeed.Rows(_workspace.DatabasePath).Select(r => r.Attempts), Is.All.EqualTo(1));
        }

        await AssertALaterRunDeliversEachReaderOnce(now.AddHours(1));
    }

    [Test]
    public async Task TemporaryFault_IsRetriedLater_WhenTheServerIsSlowerThanTheTimeout()
    {
        LedgerSeed.Readers(_workspace, Readers);
        var now = DateTimeOffset.UtcNow;
        using (var slow = new SmtpSink(_workspace.PathFor("slow"), "-w", "3"))
        {
            await SendAsync(slow.Port, now, new() { ["Smtp:TimeoutSeconds"] = "1" });

            Assert.That(LedgerSeed.Rows(_workspace.DatabasePath).Select(r => r.State), Is.All.EqualTo("retry"),
                "a reply to DATA that never came means the data was never sent");
        }

        await AssertALaterRunDeliversEachReaderOnce(now.AddHours(1));
    }

    [Test]
    public async Task RefusedConnection_LeavesEveryRowForLater_WithoutSpendingTheirAttempts()
    {
        LedgerSeed.Readers(_workspace, Readers);
        var now = DateTimeOffset.UtcNow;
        int closedPort;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        Assert.That(await SendAsync(closedPort, now), Is.Zero);

        var rows = LedgerSeed.Rows(_workspace.DatabasePath);
        Assert.That(rows.Select(r => r.State), Is.All.AnyOf("retry", "pending"));
        Assert.That(rows.Count(r => r.State == "retry"), Is.InRange(1, 4), "each worker spends one attempt, then stops");
        Assert.That(rows.Where(r => r.State == "pending").Select(r => r.Attempts), Is.All.Zero);

        await AssertALaterRunDeliversEachReaderOnce(now.AddHours(1));
    }

    [Test]
    public async Task ConnectionDroppedAfterTheData_IsUnknown_AndNeverResentAutomatically()
    {
        LedgerSeed.Readers(_workspace, Readers);
        var now = DateTimeOffset.UtcNow;
        using var sink = new SmtpSink(_workspace.PathFor("sink"), "-q", ".");

        await SendAsync(sink.Port, now);

        Assert.That(LedgerSeed.States(_workspace.DatabasePath), Is.EqualTo(new Dictionary<string, int> { ["unknown"] = Readers }));
        Assert.That(SinkDump.CountsByRecipient(sink).Values, Is.All.EqualTo(1), "the server did get them");
        Assert.That(SinkDump.CountsByRecipient(sink), Has.Count.EqualTo(Readers));

        using var good = new SmtpSink(_workspace.PathFor("good"));
        Assert.That(await SendAsync(good.Port, now.AddDays(3)), Is.Zero);
        Assert.That(good.Messages(), Is.Empty, "unknown rows wait for the operator");
    }

    [Test]
    public async Task PermanentRecipientRefusal_FailsAtOnce_AndSuppressesTheReader()
    {
        LedgerSeed.Readers(_workspace, Readers);
        // The next period's digests, planned earlier too: one connection takes the first period's rows as one
        // batch, so the next period's are claimed only after their readers were suppressed.
        LedgerSeed.NextDay(_workspace);
        var now = DateTimeOffset.UtcNow;
        using (var sink = new SmtpSink(_workspace.PathFor("sink"), "-f", "rcpt"))
        {
            await SendAsync(sink.Port, now, new() { ["Delivery:Connections"] = "1", ["Delivery:BatchSize"] = Readers.ToString() });
            Assert.That(sink.Messages(), Is.Empty);
        }

        var rows = LedgerSeed.Rows(_workspace.DatabasePath).ToLookup(r => r.PeriodKey);
        Assert.That(rows[LedgerSeed.Period].Select(r => r.State), Is.EqualTo(Enumerable.Repeat("failed", Readers)));
        Assert.That(rows[LedgerSeed.Period].Select(r => r.Attempts), Is.All.EqualTo(1), "a 5xx is not retried");
        Assert.That(rows[LedgerSeed.Period].Select(r => r.LastError), Is.All.StartsWith("5"));
        using (var connection = new Database(_workspace.DatabasePath).Open())
        {
            Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM bounce_events WHERE source = 'smtp' AND kind = 'hard'"), Is.EqualTo(Readers));
            Assert.That(connection.Query<string?>("SELECT next_due_at FROM subscribers"), Is.All.Null);
        }
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(1)), Is.EqualTo("suppressed"));
        Assert.That(rows[LedgerSeed.NextPeriod].Select(r => (r.State, r.LastError)),
            Is.EqualTo(Enumerable.Repeat(("failed", (string?)"not sent: the reader is no longer subscribed"), Readers)),
            "a digest planned earlier for the next period is not sent to a suppressed reader");

        using var good = new SmtpSink(_workspace.PathFor("good"));
        await SendAsync(good.Port, now);
        Assert.That(good.Messages(), Is.Empty, "nor by a later run");
    }

    [Test]
    public async Task SuppressedReader_IsNotSentTheirOtherRowsAlreadyClaimedInTheSameRun()
    {
        LedgerSeed.Readers(_workspace, 1);
        LedgerSeed.NextDay(_workspace);
        using var sink = new SmtpSink(_workspace.PathFor("sink"), "-f", "rcpt");

        await SendAsync(sink.Port, DateTimeOffset.UtcNow, new() { ["Delivery:Connections"] = "1" });

        var rows = LedgerSeed.Rows(_workspace.DatabasePath);
        Assert.That(rows.Select(r => r.State), Is.All.EqualTo("failed"));
        Assert.That(rows[1].LastError, Does.Contain("no longer subscribed"), "the second digest was never offered to the server");
        using var connection = new Database(_workspace.DatabasePath).Open();
        Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM bounce_events WHERE source = 'smtp' AND kind = 'hard'"), Is.EqualTo(1));
    }

    [Test]
    public async Task PermanentRecipientRefusal_SuppressesOnlyAtTheLimit_WhenHardBounceLimitIsTwo()
    {
        LedgerSeed.Readers(_workspace, 1);
        var limit = new Dictionary<string, string?> { ["Delivery:HardBounceLimit"] = "2" };
        using var sink = new SmtpSink(_workspace.PathFor("sink"), "-f", "rcpt");

        await SendAsync(sink.Port, DateTimeOffset.UtcNow, limit);
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(1)), Is.EqualTo("confirmed"));

        Assert.That(LedgerSeed.NextDay(_workspace), Is.EqualTo(1), "still confirmed, so the next digest is planned");
        await SendAsync(sink.Port, DateTimeOffset.UtcNow, limit);
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(1)), Is.EqualTo("suppressed"));
    }

    [TestCase("mail", TestName = "PermanentRefusal_FailsWithoutSuppressing_WhenTheServerRefusesTheSender")]
    [TestCase(".", TestName = "PermanentRefusal_FailsWithoutSuppressing_WhenTheServerRefusesTheContent")]
    public async Task PermanentRefusal_FailsWithoutSuppressing(string command)
    {
        LedgerSeed.Readers(_workspace, Readers);
        using var sink = new SmtpSink(_workspace.PathFor("sink"), "-f", command);

        await SendAsync(sink.Port, DateTimeOffset.UtcNow);

        Assert.That(LedgerSeed.States(_workspace.DatabasePath), Is.EqualTo(new Dictionary<string, int> { ["failed"] = Readers }));
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(1)), Is.EqualTo("confirmed"),
            "refusing our sender or content says nothing about the reader's address");
    }

    [Test]
    public async Task TemporaryFault_BecomesFailed_AfterMaxAttempts()
    {
        LedgerSeed.Readers(_workspace, 2);
        var settings = new Dictionary<string, string?> { ["Delivery:MaxAttempts"] = "2", ["Delivery:RetryBaseSeconds"] = "60" };
        using var sink = new SmtpSink(_workspace.PathFor("sink"), "-r", "rcpt");

        await SendAsync(sink.Port, DateTimeOffset.UtcNow, settings);
        Assert.That(LedgerSeed.States(_workspace.DatabasePath), Is.EqualTo(new Dictionary<string, int> { ["retry"] = 2 }));
        await SendAsync(sink.Port, DateTimeOffset.UtcNow.AddMinutes(2), settings);

        var rows = LedgerSeed.Rows(_workspace.DatabasePath);
        Assert.That(rows.Select(r => r.State), Is.All.EqualTo("failed"));
        Assert.That(rows.Select(r => r.LastError), Is.All.StartsWith("gave up after 2 attempts"));
    }

    [Test]
    public async Task ComposeFault_IsTriedOncePerRun_InsteadOfLoopingThroughEveryAttempt_WhenTheRunIsForAFutureTime()
    {
        // The bug: a row whose message could not be composed went back to retry with a next attempt already due
        // for a run given a later time (send-due --at, tests), so the same run claimed it again at once, over and over.
        LedgerSeed.Readers(_workspace, 2);
        var broken = LedgerSeed.Rows(_workspace.DatabasePath)[0].Id;
        using (var connection = new Database(_workspace.DatabasePath).Open())
            connection.Execute("UPDATE deliveries SET items_json = 'not json', items_list = NULL WHERE id = @broken", new { broken });
        var settings = new Dictionary<string, string?> { ["Delivery:MaxAttempts"] = "3", ["Delivery:RetryBaseSeconds"] = "60" };
        var later = DateTimeOffset.UtcNow.AddDays(30);
        using var sink = new SmtpSink(_workspace.PathFor("sink"));

        Assert.That(await SendAsync(sink.Port, later, settings), Is.EqualTo(1), "the other reader's digest goes out");
        var row = LedgerSeed.Rows(_workspace.DatabasePath).Single(r => r.Id == broken);
        Assert.That((row.State, row.Attempts), Is.EqualTo(("retry", 1)), "one attempt in this run, the next left for a later run");
        Assert.That(row.LastError, Does.StartWith("compose: "));

        await SendAsync(sink.Port, later, settings);
        Assert.That(LedgerSeed.Rows(_workspace.DatabasePath).Single(r => r.Id == broken).Attempts, Is.EqualTo(2));
        await SendAsync(sink.Port, later, settings);
        row = LedgerSeed.Rows(_workspace.DatabasePath).Single(r => r.Id == broken);
        Assert.That(row.State, Is.EqualTo("failed"), "MaxAttempts still ends it");
        Assert.That(row.LastError, Does.StartWith("gave up after 3 attempts: compose: "));
        Assert.That(SinkDump.CountsByRecipient(sink).Keys, Is.EquivalentTo(new[] { LedgerSeed.Email(2) }));
    }

    [Test]
    public async Task ReaderWhoUnsubscribedAfterPlanning_IsNotSent()
    {
        LedgerSeed.Readers(_workspace, 3);
        using (var connection = new Database(_workspace.DatabasePath).Open())
            connection.Execute("UPDATE subscribers SET state = 'unsubscribed', next_due_at = NULL WHERE email = @email", new { email = LedgerSeed.Email(2) });
        using var sink = new SmtpSink(_workspace.PathFor("sink"));

        Assert.That(await SendAsync(sink.Port, DateTimeOffset.UtcNow), Is.EqualTo(2));

        Assert.That(SinkDump.CountsByRecipient(sink).Keys, Is.EquivalentTo(new[] { LedgerSeed.Email(1), LedgerSeed.Email(3) }));
        var row = LedgerSeed.Rows(_workspace.DatabasePath)[1];
        Assert.That((row.State, row.LastError), Is.EqualTo(("failed", "not sent: the reader is no longer subscribed")));
    }

    [Test]
    public async Task SentDigest_CarriesTheBulkHeaders_AndAVerpReturnPath()
    {
        var ids = LedgerSeed.Readers(_workspace, 2);
        using var sink = new SmtpSink(_workspace.PathFor("sink"));

        await SendAsync(sink.Port, DateTimeOffset.UtcNow, new() { ["Delivery:ReturnPath"] = "bounces@newsletter.localhost" });

        var rows = LedgerSeed.Rows(_workspace.DatabasePath);
        Assert.That(rows.Select(r => r.State), Is.All.EqualTo("sent"));
        Assert.That(rows.Select(r => r.ServerReply), Is.All.Not.Empty);
        // The envelope names the row with a signed tag, so a bounce to it proves which digest it is about.
        var senders = SinkDump.EnvelopeSenders(sink);
        Assert.That(senders.Select(s => System.Text.RegularExpressions.Regex.Replace(s, "-[0-9a-f]{16}@", "@")),
            Is.EquivalentTo(rows.Select(r => $"bounces+{r.Id}@newsletter.localhost")));
        var first = sink.Messages().Select(f => MimeMessage.Load(f)).Single(m => m.To.Mailboxes.Single().Address == LedgerSeed.Email(1));
        var token = first.Headers["X-Newsletter-Delivery"];
        Assert.That(token, Does.StartWith($"{rows[0].Id}-"));
        Assert.That(senders, Does.Contain($"bounces+{token}@newsletter.localhost"), "the header carries the envelope's token");
        Assert.That(first.MessageId, Is.EqualTo(LedgerMessageId.For(ids[0], LedgerSeed.Period, LedgerSeed.MessageDomain)));
        Assert.That(first.Headers["List-Unsubscribe"], Does.StartWith("<http://localhost/unsubscribe/"));
        Assert.That(first.Headers["List-Unsubscribe-Post"], Is.EqualTo("List-Unsubscribe=One-Click"));
        Assert.That(first.Headers["List-Id"], Is.Not.Empty);
        Assert.That(first.Headers["Auto-Submitted"], Is.EqualTo("auto-generated"));
        Assert.That(first.Headers["Precedence"], Is.EqualTo("bulk"));
        Assert.That(first.Headers["Date"], Is.Not.Empty);
        Assert.That(first.TextBody, Does.Contain("Seeded paper 0"));
    }
}
