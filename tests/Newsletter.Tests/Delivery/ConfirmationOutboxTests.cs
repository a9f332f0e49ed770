using System.Net;
using System.Net.Http.Json;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Delivery;

/// <summary>
/// Confirmation emails leave from an outbox row sent by a job, never from the request: the request answers the same
/// whatever the relay does, and the row retries like a digest until the relay takes it.
/// </summary>
public class ConfirmationOutboxTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private NewsletterFactory AppFor(int port) => new NewsletterFactory(_workspace, new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Smtp:TimeoutSeconds"] = "2",
    }).Started();

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static List<(string State, int Attempts, string? LastError)> Rows(NewsletterFactory app)
    {
        using var connection = app.Get<Newsletter.Storage.Database>().Open();
        return Dapper.SqlMapper.Query<(string, int, string?)>(connection, "SELECT state, attempts, last_error FROM confirmations ORDER BY id").ToList();
    }

    private static void ImportConfirmed(NewsletterFactory app, string email)
    {
        var now = DateTimeOffset.UtcNow;
        var request = new SubscriptionRequest { Email = email, Topics = ["diffusion"] };
        Assert.That(app.Get<SubscriberStore>().ImportConfirmed(email, request, now, _ => now.AddDays(1)), Is.Not.Null);
    }

    [Test]
    public async Task RelayDown_Subscribe_AnsweredAn500ForANewAddress_NowAnswersLikeAConfirmedOne_AndTheRowIsRetried()
    {
        var down = ClosedPort();
        await using (var app = AppFor(down))
        {
            ImportConfirmed(app, "confirmed@example.org");
            var client = Client(app);

            var forNew = await client.PostAsJsonAsync("/api/subscriptions", new { email = "new@example.org", topics = new[] { "diffusion" } });
            var forConfirmed = await client.PostAsJsonAsync("/api/subscriptions", new { email = "confirmed@example.org", topics = new[] { "diffusion" } });
            var formNew = await PostFormAsync(client, "/", "/", ("email", "form-new@example.org"), ("topics", "diffusion"), ("action", "save"));
            var formConfirmed = await PostFormAsync(client, "/", "/", ("email", "confirmed@example.org"), ("topics", "reasoning"), ("action", "save"));

            Assert.That(new[] { forNew.StatusCode, forConfirmed.StatusCode }, Is.All.EqualTo(HttpStatusCode.Accepted));
            Assert.That(await forNew.Content.ReadAsStringAsync(), Is.EqualTo(await forConfirmed.Content.ReadAsStringAsync()));
            Assert.That(new[] { formNew, formConfirmed }.Select(r => (r.StatusCode, r.Headers.Location?.ToString())),
                Is.All.EqualTo((HttpStatusCode.SeeOther, "/check-inbox")));

            Assert.That(await SendConfirmationsAsync(app), Is.Zero);
            var rows = Rows(app);
            Assert.That(rows, Has.Count.EqualTo(4));
            Assert.That(rows[0], Is.EqualTo(("retry", 1, rows[0].LastError)), "the first row met the dead relay");
            Assert.That(rows[0].LastError, Does.Contain("cannot connect"));
            Assert.That(rows.Skip(1).Select(r => (r.State, r.Attempts)), Is.All.EqualTo(("pending", 0)), "the rest wait without spending attempts");
        }

        using var sink = new SmtpSink(_workspace.PathFor("sink"));
        await using (var app = AppFor(sink.Port))
        {
            Assert.That(await SendConfirmationsAsync(app), Is.EqualTo(3), "the retry waits for its backoff");
            Assert.That(await SendConfirmationsAsync(app, DateTimeOffset.UtcNow.AddHours(1)), Is.EqualTo(1));
            Assert.That(Rows(app).Select(r => r.State), Is.All.EqualTo("sent"));
            Assert.That(SinkDump.CountsByRecipient(sink), Is.EqualTo(new Dictionary<string, int>
            {
                ["new@example.org"] = 1, ["confirmed@example.org"] = 2, ["form-new@example.org"] = 1,
            }));
        }
    }

    [TestCase("-r", "rcpt", TestName = "RelayRefusingWith4xx_TheRowRetries_ThenSends")]
    [TestCase("-Q", "data", TestName = "RelayClosingWith421_TheRowRetries_ThenSends")]
    public async Task RelayRefusing_TheRowRetries_ThenSends(string option, string command)
    {
        var now = DateTimeOffset.UtcNow;
        using (var faulty = new SmtpSink(_workspace.PathFor("faulty"), option, command))
        await using (var app = AppFor(faulty.Port))
        {
            var response = await Client(app).PostAsJsonAsync("/api/subscriptions", new { email = "patient@example.org", topics = new[] { "diffusion" } });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

            Assert.That(await SendConfirmationsAsync(app, now), Is.Zero);
            Assert.That(await SendConfirmationsAsync(app, now), Is.Zero, "a retry waits for its backoff");
            Assert.That(Rows(app).Single().State, Is.EqualTo("retry"));
            Assert.That(Rows(app).Single().Attempts, Is.EqualTo(1));
        }

        using var good = new SmtpSink(_workspace.PathFor("good"));
        await using (var app = AppFor(good.Port))
        {
            // The first retry is due RetryBaseSeconds after the failed attempt; an hour later it surely is.
            Assert.That(await SendConfirmationsAsync(app, now.AddHours(1)), Is.EqualTo(1));
            Assert.That(Rows(app).Single(), Is.EqualTo(("sent", 2, (string?)null)));
            Assert.That(SinkDump.CountsByRecipient(good), Is.EqualTo(new Dictionary<string, int> { ["patient@example.org"] = 1 }));
        }
    }

    [Test]
    public async Task ARowClaimedByAProcessThatStopped_IsSentAgain_OnceItsLeaseExpires()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        await Client(app).PostAsJsonAsync("/api/subscriptions", new { email = "crash@example.org", topics = new[] { "diffusion" } });
        var store = app.Get<ConfirmationStore>();
        var now = DateTimeOffset.UtcNow;
        // A process claims the row, then dies before recording anything.
        Assert.That(store.Claim("dead-process", now, leaseUntil: now.AddMinutes(5), limit: 10, now), Has.Count.EqualTo(1));

        Assert.That(await SendConfirmationsAsync(app), Is.Zero, "a live lease is left alone");
        Assert.That(Rows(app).Single().State, Is.EqualTo("sending"));
        Execute(app, "UPDATE confirmations SET lease_until = @past", new { past = now.AddSeconds(-1) });
        Assert.That(await SendConfirmationsAsync(app), Is.EqualTo(1));

        Assert.That(Rows(app).Single(), Is.EqualTo(("sent", 2, (string?)null)));
        Assert.That(_workspace.OutboxFiles().Select(Path.GetFileName), Has.One.StartsWith("confirm."));
    }

    [Test]
    public async Task TheRequest_MailsNothingItself_AndTheStoredRowHoldsNoClearToken()
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        await Client(app).PostAsJsonAsync("/api/subscriptions", new { email = "quiet@example.org", topics = new[] { "diffusion" } });

        Assert.That(_workspace.OutboxFiles(), Is.Empty, "the job sends it, not the request");
        Assert.That(await SendConfirmationsAsync(app), Is.EqualTo(1));
        var token = ConfirmPath(_workspace.OutboxFiles().Single()).Split('/')[^1];
        using var connection = app.Get<Newsletter.Storage.Database>().Open();
        var row = string.Join("|", Dapper.SqlMapper.Query<string>(connection,
            "SELECT coalesce(token_hash, '') || coalesce(choices_json, '') || coalesce(server_reply, '') FROM confirmations"));
        Assert.That(row, Does.Not.Contain(token));
        Assert.That(row, Does.Contain(TokenStore.Hash(token)));
    }

    [Test]
    public async Task EachConfirmation_IsLoggedWithTheMaskedAddressAndWhereItWent()
    {
        await using (var app = new NewsletterFactory(_workspace).Started())
            await Client(app).PostAsJsonAsync("/api/subscriptions", new { email = "logged@example.org", topics = new[] { "diffusion" } });
        // Verbs log only warnings unless told otherwise; the server logs at Information, as asked here.
        var settings = new Dictionary<string, string>
        {
            ["Storage:Database"] = _workspace.DatabasePath, ["Smtp:PickupDirectory"] = _workspace.Outbox, ["Logging:LogLevel:Newsletter"] = "Information",
        };

        var pickup = NewsletterProcess.Run(settings, "send-due");

        Assert.That(pickup.ExitCode, Is.Zero, pickup.Error);
        Assert.That(pickup.Error, Does.Contain($"Confirmation for l***@example.org written to {_workspace.Outbox}"));
        Assert.That(pickup.Output + pickup.Error, Does.Not.Contain("logged@example.org"));

        await using (var app = new NewsletterFactory(_workspace).Started())
            await Client(app).PostAsJsonAsync("/api/subscriptions", new { email = "relayed@example.org", topics = new[] { "diffusion" } });
        using var sink = new SmtpSink(_workspace.PathFor("sink"));
        settings["Smtp:Host"] = "127.0.0.1";
        settings["Smtp:Port"] = sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var relayed = NewsletterProcess.Run(settings, "send-due");

        Assert.That(relayed.Error, Does.Contain("Confirmation for r***@example.org sent to 127.0.0.1"));
    }
}
