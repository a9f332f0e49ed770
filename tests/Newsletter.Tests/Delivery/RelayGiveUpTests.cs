using Dapper;
using Newsletter.Delivery;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>
/// A digest the relay kept refusing for now (4xx) until <c>Delivery:MaxAttempts</c> ran out: a soft bounce recorded
/// through the policy with every other bounce, on a real smtp-sink.
/// </summary>
public class RelayGiveUpTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private async Task SendTwiceAsync(string fault, string softLimit)
    {
        LedgerSeed.Readers(_workspace, 2);
        using var sink = new SmtpSink(_workspace.PathFor("sink"), "-r", fault);
        var settings = new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = sink.Port.ToString(), ["Smtp:TimeoutSeconds"] = "2",
            ["Delivery:MaxAttempts"] = "2", ["Delivery:RetryBaseSeconds"] = "60", ["Bounces:SoftLimit"] = softLimit,
        };
        await using var app = new NewsletterFactory(_workspace, settings).Started();
        var sender = app.Get<DeliverySender>();
        await sender.SendDueAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.That(Events(), Is.Empty, "a first 4xx is retried, not a bounce");
        await sender.SendDueAsync(DateTimeOffset.UtcNow.AddMinutes(2), CancellationToken.None);
        Assert.That(LedgerSeed.States(_workspace.DatabasePath), Is.EqualTo(new Dictionary<string, int> { ["failed"] = 2 }));
    }

    private List<(long DeliveryId, string Kind, string Status, string Source, string MatchedBy, string Diagnostic)> Events()
    {
        using var connection = new Database(_workspace.DatabasePath).Open();
        return connection.Query<(long, string, string, string, string, string)>(
            "SELECT delivery_id, kind, status, source, matched_by, diagnostic FROM bounce_events ORDER BY delivery_id").ToList();
    }

    [Test]
    public async Task RcptRefusedForNowUntilTheLastAttempt_IsASoftBounce_AndTheReaderStaysBelowTheSoftLimit()
    {
        await SendTwiceAsync("rcpt", softLimit: "3");

        var events = Events();
        Assert.That(events.Select(e => (e.DeliveryId, e.Kind, e.Source, e.MatchedBy)),
            Is.EqualTo(LedgerSeed.Rows(_workspace.DatabasePath).Select(r => (r.Id, "soft", "smtp", "smtp"))));
        Assert.That(events.Select(e => e.Status), Is.All.StartsWith("4."));
        Assert.That(events.Select(e => e.Diagnostic), Is.All.StartsWith("gave up after 2 attempts: 4"));
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(1)), Is.EqualTo("confirmed"));
    }

    [Test]
    public async Task RelayGiveUp_CountsTowardsTheSoftLimit()
    {
        await SendTwiceAsync("rcpt", softLimit: "1");

        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(1)), Is.EqualTo("suppressed"));
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(2)), Is.EqualTo("suppressed"));
    }

    [Test]
    public async Task SenderRefusedForNowUntilTheLastAttempt_IsNoBounce()
    {
        await SendTwiceAsync("mail", softLimit: "1");

        Assert.That(Events(), Is.Empty, "a 4xx to MAIL FROM is about us, not the reader");
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(1)), Is.EqualTo("confirmed"));
    }
}
