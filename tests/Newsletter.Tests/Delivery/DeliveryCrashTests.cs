using System.Globalization;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>The real executable killed with SIGKILL in the middle of a send, then the sender run again on its database.</summary>
public class DeliveryCrashTests
{
    private const int Readers = 2000;
    private const int Connections = 4;
    private const int LeaseSeconds = 3;
    private const int BatchSize = 20;
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task KilledMidSend_AndStartedAgain_EveryReaderGetsExactlyOneDigest_ExceptAtMostOneUnrecordedGroupPerConnection()
    {
        LedgerSeed.Readers(_workspace, Readers);
        // -W data:1:1 holds about one DATA in a hundred for a second: slow enough to be caught mid-run.
        using var sink = new SmtpSink(_workspace.PathFor("sink"), "-W", "data:1:1");
        var settings = new Dictionary<string, string>
        {
            ["Storage:Database"] = _workspace.DatabasePath,
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = sink.Port.ToString(),
            ["Delivery:Connections"] = Connections.ToString(),
            ["Delivery:BatchSize"] = BatchSize.ToString(),
            ["Delivery:LeaseSeconds"] = LeaseSeconds.ToString(),
        };
        var at = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");

        using (var first = NewsletterProcess.Start(settings, ["send-due", "--at", at]))
        {
            var deadline = DateTime.UtcNow.AddSeconds(40);
            while (sink.Messages().Count < Readers / 5 && !first.HasExited && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.That(first.HasExited, Is.False, "the first run must still be sending when it is killed");
            first.Kill(); // SIGKILL: no cleanup of any kind
            await first.WaitForExitAsync();
        }
        var atKill = sink.Messages().Count;
        Assert.That(atKill, Is.LessThan(Readers), "killed mid-run");
        // The dead process's claims expire after the lease; only then may they be judged abandoned. The second run
        // is the app in-process on a clock already past the lease, rather than a wait for the wall clock to get there.
        await using (var second = new DigestWorld(_workspace, DateTimeOffset.UtcNow.AddSeconds(LeaseSeconds + 1),
                         settings.ToDictionary(s => s.Key, s => (string?)s.Value)))
        {
            await second.Get<DeliverySender>().SendDueAsync(DateTimeOffset.Parse(at, CultureInfo.InvariantCulture), CancellationToken.None);
        }

        var states = LedgerSeed.States(_workspace.DatabasePath);
        Assert.That(states.Keys, Is.SubsetOf(new[] { "sent", "unknown" }), "nothing is left pending, retrying or mid-send");
        var unknown = LedgerSeed.Rows(_workspace.DatabasePath).Where(r => r.State == "unknown").Select(r => LedgerSeed.Email((int)r.SubscriberId)).ToHashSet();
        // A worker records the messages the server accepted in groups: after a crash, each worker's first unrecorded
        // rows (some of them went out) are unknown, at most DeliveryStore.UnrecordedAtMost per connection.
        Assert.That(unknown, Has.Count.LessThanOrEqualTo(Connections * DeliveryStore.UnrecordedAtMost), "at most one group per connection unrecorded");

        var counts = SinkDump.CountsByRecipient(sink);
        Assert.That(counts.Values, Is.All.EqualTo(1), "no reader got two digests");
        var missing = Enumerable.Range(1, Readers).Select(LedgerSeed.Email).Where(e => !counts.ContainsKey(e)).ToList();
        Assert.That(missing, Is.SubsetOf(unknown), "every reader got a digest, except perhaps those marked unknown");
        TestContext.Out.WriteLine($"killed after {atKill} messages; unknown afterwards: {unknown.Count}");
    }
}
