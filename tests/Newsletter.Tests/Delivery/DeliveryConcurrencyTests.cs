using Newsletter.Delivery;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>Two senders on one database at once (the service and a send-due, say).</summary>
public class DeliveryConcurrencyTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task TwoSendersOnOneDatabase_NeverSendTheSameRowTwice()
    {
        const int readers = 400;
        LedgerSeed.Readers(_workspace, readers);
        using var sink = new SmtpSink(_workspace.PathFor("sink"));
        var settings = new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = sink.Port.ToString(),
            ["Delivery:Connections"] = "3", ["Delivery:BatchSize"] = "5",
        };
        await using var one = new NewsletterFactory(_workspace, settings).Started();
        await using var two = new NewsletterFactory(_workspace, settings).Started();
        var at = DateTimeOffset.UtcNow;

        var sent = await Task.WhenAll(
            Task.Run(() => one.Get<DeliverySender>().SendDueAsync(at, CancellationToken.None)),
            Task.Run(() => two.Get<DeliverySender>().SendDueAsync(at, CancellationToken.None)));

        Assert.That(sent.Sum(), Is.EqualTo(readers));
        Assert.That(LedgerSeed.States(_workspace.DatabasePath), Is.EqualTo(new Dictionary<string, int> { ["sent"] = readers }));
        var counts = SinkDump.CountsByRecipient(sink);
        Assert.That(counts, Has.Count.EqualTo(readers));
        Assert.That(counts.Values, Is.All.EqualTo(1));
        TestContext.Out.WriteLine($"first sender sent {sent[0]}, second {sent[1]}");
    }
}
