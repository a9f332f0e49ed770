using System.Net.Http.Json;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Subscriptions;

/// <summary>The operator verbs <c>subscribers import</c> and <c>subscribers export</c>, run as the real executable.</summary>
public class SubscribersCommandTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private Dictionary<string, string> Settings => new()
    {
        ["Storage:Database"] = _workspace.DatabasePath, ["Smtp:PickupDirectory"] = _workspace.Outbox,
    };

    [Test]
    public async Task Import_ImportsGoodRowsAsConfirmed_AndReportsBadRowsByLine()
    {
        var result = NewsletterProcess.Run(Settings, "subscribers", "import", RepositoryPaths.Fixture("Subscriptions/import.csv"));

        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(result.ExitCode, Is.EqualTo(1), "some rows were rejected");
        Assert.That(lines.Where(l => l.StartsWith("line ", StringComparison.Ordinal)).Select(l => l.Split(':')[0]),
            Is.EqualTo(new[] { "line 3", "line 4", "line 6", "line 7" }));
        Assert.That(lines.Single(l => l.StartsWith("line 4", StringComparison.Ordinal)), Does.Contain("topics: Unknown topic: no-such-topic"));
        Assert.That(lines.Single(l => l.StartsWith("line 6", StringComparison.Ordinal)), Does.Contain("timezone"));
        Assert.That(lines.Single(l => l.StartsWith("line 7", StringComparison.Ordinal)), Does.Contain("hour"));
        Assert.That(lines[^1], Is.EqualTo("imported 2, skipped 0, rejected 4"));
        Assert.That(_workspace.OutboxFiles(), Is.Empty, "the operator vouches for consent: no confirmation emails");

        await using var app = new NewsletterFactory(_workspace).Started();
        Assert.That(SubscriptionSteps.Scalar<string>(app,
                "SELECT group_concat(email || ' ' || state || ' ' || frequency || ' ' || timezone || ' ' || hour, '|') FROM (SELECT * FROM subscribers ORDER BY id)"),
            Is.EqualTo("ada@example.org confirmed daily Europe/Berlin 7|carol@example.org confirmed weekly America/New_York 9"));
        Assert.That(SubscriptionSteps.Scalar<long>(app, "SELECT count(*) FROM subscribers WHERE next_due_at IS NULL"), Is.Zero, "every import is scheduled");
        Assert.That(SubscriptionSteps.Scalar<string>(app,
                "SELECT group_concat(value, '|') FROM (SELECT value FROM subscriber_filters f JOIN subscribers s ON s.id = f.subscriber_id WHERE s.email LIKE 'carol%' ORDER BY value)"),
            Is.EqualTo("\"model merging\"|diffusion NOT medical"));
    }

    [TestCase("unsubscribed", "this address unsubscribed")]
    [TestCase("suppressed", "this address was suppressed")]
    public void Import_SkipsAnAddressThatUnsubscribedOrWasSuppressed_WithTheReason_AndExitsZero(string state, string reason)
    {
        var csv = _workspace.PathFor("list.csv");
        File.WriteAllText(csv, "email,topics\nada@example.org,diffusion\nbob@example.org,reasoning\n");
        Assert.That(NewsletterProcess.Run(Settings, "subscribers", "import", csv).ExitCode, Is.Zero);
        using (var connection = new Newsletter.Storage.Database(_workspace.DatabasePath).Open())
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE subscribers SET state = '{state}', next_due_at = NULL WHERE email = 'ada@example.org'";
            command.ExecuteNonQuery();
        }

        var again = NewsletterProcess.Run(Settings, "subscribers", "import", csv);

        Assert.That(again.ExitCode, Is.Zero, "a skipped row is not a rejected one");
        Assert.That(again.Output, Does.Contain($"line 2: skipped ada@example.org: {reason}"));
        Assert.That(again.Output.Trim().Split('\n')[^1], Is.EqualTo("imported 1, skipped 1, rejected 0"));
        var export = NewsletterProcess.Run(Settings, "subscribers", "export");
        Assert.That(export.Output, Does.Contain($"ada@example.org,diffusion,,daily,1,UTC,8,trending,{state}"));
    }

    [Test]
    public async Task UnsubscribedReader_ResubscribedByAStrangerThenImported_StaysUnsubscribed()
    {
        var csv = _workspace.PathFor("list.csv");
        File.WriteAllText(csv, "email,topics\nada@example.org,diffusion\n");
        Assert.That(NewsletterProcess.Run(Settings, "subscribers", "import", csv).ExitCode, Is.Zero);
        await using (var app = new NewsletterFactory(_workspace).Started())
        {
            SubscriptionSteps.Execute(app, "UPDATE subscribers SET state = 'unsubscribed', next_due_at = NULL");
            var stranger = await SubscriptionSteps.Client(app).PostAsJsonAsync("/api/subscriptions", new { email = "ada@example.org", topics = new[] { "reasoning" } });
            Assert.That(stranger.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Accepted));
        }

        var again = NewsletterProcess.Run(Settings, "subscribers", "import", csv);

        Assert.That(again.Output, Does.Contain("line 2: skipped ada@example.org"));
        var export = NewsletterProcess.Run(Settings, "subscribers", "export");
        Assert.That(export.Output, Does.Contain("ada@example.org,diffusion,,daily,1,UTC,8,trending,unsubscribed"));
    }

    [Test]
    public void Export_EscapesCellsASpreadsheetWouldRunAsFormulas_AndImportReadsThemBack()
    {
        var csv = _workspace.PathFor("list.csv");
        File.WriteAllText(csv, "email,topics\n=cmd@example.org,diffusion\n+sum@example.org,diffusion\n-minus@example.org,diffusion\n''quote@example.org,diffusion\nplain@example.org,diffusion\n");
        Assert.That(NewsletterProcess.Run(Settings, "subscribers", "import", csv).Output, Does.Contain("imported 5"));

        var export = NewsletterProcess.Run(Settings, "subscribers", "export");

        var emails = export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.That(emails, Is.EqualTo(new[] { "'=cmd@example.org", "'+sum@example.org", "'-minus@example.org", "''quote@example.org", "plain@example.org" }));
        Assert.That(emails.Select(e => e[0]), Has.None.AnyOf('=', '+', '-', '@', '\t', '\r'));

        var file = _workspace.PathFor("export.csv");
        File.WriteAllText(file, export.Output);
        Assert.That(NewsletterProcess.Run(Settings, "subscribers", "import", file).Output.Trim(), Is.EqualTo("imported 5, skipped 0, rejected 0"));
        var again = NewsletterProcess.Run(Settings, "subscribers", "export");
        Assert.That(again.Output, Is.EqualTo(export.Output), "a round trip changes nothing");
    }

    [Test]
    public void Export_PrintsTheImportColumnsPlusState_AndReimportsCleanly()
    {
        NewsletterProcess.Run(Settings, "subscribers", "import", RepositoryPaths.Fixture("Subscriptions/import.csv"));

        var export = NewsletterProcess.Run(Settings, "subscribers", "export");

        Assert.That(export.ExitCode, Is.Zero, export.Error);
        var lines = export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines, Is.EqualTo(new[]
        {
            "email,topics,keywords,frequency,weekday,timezone,hour,order,state",
            "ada@example.org,diffusion;model-merging,mamba,daily,1,Europe/Berlin,7,trending,confirmed",
            "carol@example.org,,\"\"\"model merging\"\";diffusion NOT medical\",weekly,1,America/New_York,9,relevance,confirmed",
        }));

        var file = _workspace.PathFor("export.csv");
        File.WriteAllText(file, export.Output);
        var reimport = NewsletterProcess.Run(Settings, "subscribers", "import", file);
        Assert.That(reimport.ExitCode, Is.Zero, reimport.Output);
        Assert.That(reimport.Output.Trim(), Is.EqualTo("imported 2, skipped 0, rejected 0"));
    }

    [Test]
    public void Import_FailsWithOneLine_WhenTheHeaderHasNoEmailColumn()
    {
        var csv = _workspace.PathFor("bad.csv");
        File.WriteAllText(csv, "address,topics\nada@example.org,diffusion\n");

        var result = NewsletterProcess.Run(Settings, "subscribers", "import", csv);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("line 1").And.Contain("'email' column"));
    }
}
