using Dapper;
using Microsoft.Data.Sqlite;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.Digests;

/// <summary>The operator verbs, through the real executable: <c>send-due --dry-run</c>, <c>preview</c>, and topic checks at start.</summary>
public class DigestCommandTests
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private TestWorkspace _workspace = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new TestWorkspace();
        await using var world = new DigestWorld(_workspace, Confirmed);
        world.AddPaper("Mamba Goes Multimodal", "Selective state spaces for video.", Confirmed.AddHours(1));
        world.AddPaper("Protein Folding", "Structures.", Confirmed.AddHours(1));
        world.AddReader("reader@example.org", Confirmed, [Topic("state-space-models")]);
        world.AddReader("quiet@example.org", Confirmed, [Keyword("nothing")]);
    }

    [TearDown] public void TearDown() => _workspace.Dispose();

    private Dictionary<string, string> Settings() => new()
    {
        ["Storage:Database"] = _workspace.DatabasePath,
        ["Smtp:PickupDirectory"] = _workspace.Outbox,
    };

    private (long Deliveries, long Tokens, string DueTimes) State()
    {
        using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=false");
        return (connection.ExecuteScalar<long>("SELECT COUNT(*) FROM deliveries"),
            connection.ExecuteScalar<long>("SELECT COUNT(*) FROM tokens"),
            string.Join(",", connection.Query<string>("SELECT next_due_at || ':' || COALESCE(last_seq, '') FROM subscribers ORDER BY id")));
    }

    [Test]
    public void SendDueDryRun_PrintsWhoWouldGetWhat_AndChangesNothing()
    {
        var before = State();

        var result = NewsletterProcess.Run(Settings(), "send-due", "--at", "2026-11-24T08:00:00Z", "--dry-run");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Does.Contain("reader@example.org daily:2026-11-24: 1 paper"));
        Assert.That(result.Output, Does.Contain("  - Mamba Goes Multimodal [state-space-models]"));
        Assert.That(result.Output, Does.Contain("quiet@example.org daily:2026-11-24: no new papers"));
        Assert.That(result.Output, Does.Contain("1 would be sent, 1 empty, 2 due readers"));
        Assert.That(State(), Is.EqualTo(before));
        Assert.That(_workspace.OutboxFiles(), Is.Empty);
    }

    [Test]
    public void Preview_PrintsTheReadersNextDigestAsText_AndChangesNothing()
    {
        var before = State();

        var result = NewsletterProcess.Run(Settings(), "preview", "--email", "Reader@example.org", "--at", "2026-11-23T12:00:00Z");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Does.Contain("To: reader@example.org (due 2026-11-24T08:00:00Z)"));
        Assert.That(result.Output, Does.Contain("Subject: 1 new paper on state space models — 24 Nov"));
        Assert.That(result.Output, Does.Contain("1. Mamba Goes Multimodal"));
        Assert.That(State(), Is.EqualTo(before), "no ledger rows, tokens or window changes");
    }

    [Test]
    public void Preview_FailsClearly_ForAnUnknownReader()
    {
        var result = NewsletterProcess.Run(Settings(), "preview", "--email", "nobody@example.org");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error.Trim(), Is.EqualTo("--email: no reader with the address 'nobody@example.org'"));
    }

    // One parser for every verb's time (--at, --since): a value that is not a time is refused before the verb runs.
    [TestCase("send-due", "--at")]
    [TestCase("preview", "--at")]
    [TestCase("resend", "--since")]
    public void TimeThatIsNotATime_IsAUsageError_NamingTheOption(string verb, string option)
    {
        string[] rest = verb switch { "preview" => ["--email", "reader@example.org"], "resend" => ["--state", "failed"], _ => [] };

        var result = NewsletterProcess.Run(Settings(), [verb, .. rest, option, "yesterday"]);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.StartWith($"newsletter: {option}: 'yesterday' is not an ISO-8601 time such as 2026-11-24T08:00:00Z"));
        Assert.That(result.Output, Is.Empty, "nothing ran");
    }

    [Test]
    public void Start_Fails_NamingTheTopic_WhenItsQueryIsBroken()
    {
        var settings = Settings();
        settings["Topics:3:Query"] = "\"mamba OR (";

        var result = NewsletterProcess.Run(settings, "send-due");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.StartWith("newsletter: Topics:state-space-models: the query '\"mamba OR (' is not a valid full-text query"));
        Assert.That(result.Error, Does.Not.Contain("   at "), "no stack trace");
    }
}
