using Microsoft.Extensions.Configuration;
using Newsletter.Delivery;
using Newsletter.Storage;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.Delivery;

/// <summary>
/// Digests planned on PostgreSQL and sent by two nodes at once (two apps on one database) to a real SMTP server;
/// then a node that died mid-send: its claims wait out the lease and the other node finishes its work.
/// </summary>
public class SendingAcrossNodesTests
{
    // Yesterday's digests: the two nodes judge leases by their clocks, so the test's clock is the real one when sending.
    private static readonly DateTimeOffset Due = LedgerSeed.PlannedAt;
    private static readonly DateTimeOffset Confirmed = Due.AddHours(-23);
    private const int Readers = 300;

    private TestWorkspace _workspace = null!;
    private SmtpSink _sink = null!;
    private DigestWorld _world = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public void SetUp()
    {
        _workspace = new TestWorkspace();
        _sink = new SmtpSink(_workspace.PathFor("sink"));
        _settings = new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = _sink.Port.ToString(), ["Delivery:Connections"] = "3", ["Delivery:BatchSize"] = "5",
        };
        _world = new DigestWorld(Confirmed, StorageProviders.Postgres, _settings);
        _world.AddPaper("Selective State Space Models Revisited", "Linear time sequence modelling with mamba.", Confirmed.AddHours(2));
        _world.AddReaders(Enumerable.Range(1, Readers).Select(LedgerSeed.Email), Confirmed, [Topic("state-space-models")]);
        _world.Clock.SetUtcNow(Due);
        Assert.That(_world.Planner.PlanDue(Due), Is.EqualTo(Readers));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _world.DisposeAsync();
        _sink.Dispose();
        _workspace.Dispose();
    }

    /// <summary>A second node: the app again, on the same PostgreSQL database and relay.</summary>
    private NewsletterFactory SecondNode() => new NewsletterFactory(_workspace, new Dictionary<string, string?>(_settings)
    {
        ["Storage:Provider"] = StorageProviders.Postgres,
        ["Storage:ConnectionString"] = _world.Get<IConfiguration>()["Storage:ConnectionString"],
    }).Started();

    [Test]
    public async Task TwoNodesSendingAtOnce_SendEachReaderExactlyOneDigest()
    {
        await using var other = SecondNode();
        _world.Clock.SetUtcNow(DateTimeOffset.UtcNow);
        var at = DateTimeOffset.UtcNow;

        var sent = await Task.WhenAll(
            Task.Run(() => _world.Get<DeliverySender>().SendDueAsync(at, CancellationToken.None)),
            Task.Run(() => other.Get<DeliverySender>().SendDueAsync(at, CancellationToken.None)));

        Assert.That(sent.Sum(), Is.EqualTo(Readers));
        var counts = SinkDump.CountsByRecipient(_sink);
        Assert.That(counts.Keys, Is.EquivalentTo(Enumerable.Range(1, Readers).Select(LedgerSeed.Email)));
        Assert.That(counts.Values, Is.All.EqualTo(1));
        Assert.That(_world.Get<Newsletter.Digests.DeliveryCountStore>().CountInState("sent"), Is.EqualTo(Readers));
        TestContext.Out.WriteLine($"first node sent {sent[0]}, second {sent[1]}");
    }

    [Test]
    public async Task NodeDeadMidSend_ItsRowsWaitForTheLease_ThenAnotherSenderFinishesItsWork()
    {
        var ledger = _world.Get<Newsletter.Digests.DeliveryStore>();
        var leaseUntil = Due.AddMinutes(5);
        // The dead node had claimed two batches and recorded one digest of the first before it stopped.
        const int window = Newsletter.Digests.DeliveryStore.UnrecordedAtMost, batch = window + 5;
        using (var dead = ledger.OpenConnection())
        {
            var first = ledger.Claim(dead, "dead/1", Due, leaseUntil, batch, Due);
            ledger.Claim(dead, "dead/2", Due, leaseUntil, batch, Due);
            ledger.MarkSent(dead, [new Newsletter.Digests.SentMessage(first[0].Id, "250 sent before the crash", Due)]);
        }
        var sender = _world.Get<DeliverySender>();

        _world.Clock.SetUtcNow(leaseUntil.AddMinutes(-1));
        var beforeLease = await sender.SendDueAsync(_world.Clock.GetUtcNow(), CancellationToken.None);
        _world.Clock.SetUtcNow(leaseUntil.AddMinutes(1));
        var afterLease = await sender.SendDueAsync(_world.Clock.GetUtcNow(), CancellationToken.None);

        Assert.That(beforeLease, Is.EqualTo(Readers - 2 * batch), "the dead node's claims are left alone while its lease runs");
        Assert.That(afterLease, Is.EqualTo(2 * batch - 1 - 2 * window), "then its untried rows are sent");
        var counts = _world.Get<Newsletter.Digests.DeliveryCountStore>();
        Assert.That((counts.CountInState("sent"), counts.CountInState("unknown")), Is.EqualTo((Readers - 2 * window, 2 * window)),
            "each dead worker's first unrecorded rows may have been on the wire: unknown, never resent blindly");
        Assert.That(SinkDump.CountsByRecipient(_sink).Values, Is.All.EqualTo(1));
    }
}
