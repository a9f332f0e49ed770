using Dapper;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>The operator's verbs over the ledger, run as the real executable.</summary>
public class DeliveryVerbTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private Dictionary<string, string> Settings => new() { ["Storage:Database"] = _workspace.DatabasePath };

    private void SetStates(params string[] states)
    {
        using var connection = new Database(_workspace.DatabasePath).Open();
        for (var i = 0; i < states.Length; i++)
            connection.Execute("UPDATE deliveries SET state = @state, last_error = @error, attempts = 3, updated_at = @now WHERE id = @id",
                new { state = states[i], error = states[i] == "sent" ? null : $"reason {i + 1}", now = DateTimeOffset.UtcNow, id = i + 1 });
    }

    [Test]
    public void Deliveries_CountsByDayAndState_AndListsUnknownAndFailedRows()
    {
        LedgerSeed.Readers(_workspace, 5);
        SetStates("sent", "sent", "unknown", "failed", "pending");

        var result = NewsletterProcess.Run(Settings, "deliveries");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^6..],
            Is.EqualTo(new[] { "pending", "sending", "sent", "retry", "failed", "unknown" }));
        var day = LedgerSeed.PlannedAt.ToString("yyyy-MM-dd");
        Assert.That(lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { day, "1", "0", "2", "0", "1", "1" }));
        Assert.That(result.Output, Does.Contain("unknown: 1").And.Contain("failed: 1"));
        Assert.That(lines.Single(l => l.StartsWith("#3 ")), Does.Contain(LedgerSeed.Email(3)).And.Contain("reason 3"));
        Assert.That(lines.Single(l => l.StartsWith("#4 ")), Does.Contain(LedgerSeed.Email(4)).And.Contain("reason 4"));
    }

    [Test]
    public void Deliveries_SaysSo_WhenTheLedgerIsEmpty()
    {
        var result = NewsletterProcess.Run(Settings, "deliveries");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Does.Contain("(no deliveries yet)").And.Contain("unknown: 0").And.Contain("failed: 0"));
    }

    [Test]
    public void Resend_PutsUnknownRowsBackToPending_AndLeavesTheOthers()
    {
        LedgerSeed.Readers(_workspace, 4);
        SetStates("sent", "unknown", "failed", "unknown");

        var result = NewsletterProcess.Run(Settings, "resend", "--state", "unknown");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output.Trim(), Is.EqualTo("resend: 2 unknown deliveries back to pending"));
        var rows = LedgerSeed.Rows(_workspace.DatabasePath);
        Assert.That(rows.Select(r => r.State), Is.EqualTo(new[] { "sent", "pending", "failed", "pending" }));
        Assert.That(rows[1].Attempts, Is.Zero, "a resent row gets its attempts back");
    }

    [Test]
    public void Resend_SinceATime_OnlyTakesRowsThatFailedFromThen_AndTheNextSendDeliversThem()
    {
        LedgerSeed.Readers(_workspace, 3);
        SetStates("failed", "failed", "failed");
        using (var connection = new Database(_workspace.DatabasePath).Open())
            connection.Execute("UPDATE deliveries SET updated_at = @old WHERE id = 1", new { old = DateTimeOffset.UtcNow.AddDays(-3) });

        var result = NewsletterProcess.Run(Settings, "resend", "--state", "failed", "--since", DateTimeOffset.UtcNow.AddDays(-1).ToString("O"));

        Assert.That(result.Output.Trim(), Is.EqualTo("resend: 2 failed deliveries back to pending"));
        using var sink = new SmtpSink(_workspace.PathFor("sink"));
        var send = NewsletterProcess.Run(new Dictionary<string, string>(Settings) { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = sink.Port.ToString() },
            "send-due", "--at", DateTimeOffset.UtcNow.ToString("O"));
        Assert.That(send.Output, Does.Contain("2 sent"), send.Error);
        Assert.That(SinkDump.CountsByRecipient(sink).Keys, Is.EquivalentTo(new[] { LedgerSeed.Email(2), LedgerSeed.Email(3) }));
    }

    [TestCase("sent")]
    [TestCase("")]
    public void Resend_RefusesAStateOtherThanUnknownOrFailed(string state)
    {
        var result = NewsletterProcess.Run(Settings, "resend", "--state", state);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith($"newsletter: --state: '{state}' is not one of unknown, failed"));
        Assert.That(result.Output, Is.Empty, "nothing ran");
    }
}
