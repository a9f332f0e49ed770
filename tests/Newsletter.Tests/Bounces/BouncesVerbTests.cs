using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Bounces;

/// <summary><c>bounces import</c>, <c>bounces</c> and <c>deliveries</c> run as the real executable.</summary>
public class BouncesVerbTests
{
    private TestWorkspace _workspace = null!;

    [SetUp]
    public void SetUp()
    {
        _workspace = new TestWorkspace();
        BounceFixtures.Seed(_workspace.DatabasePath);
    }

    [TearDown] public void TearDown() => _workspace.Dispose();

    private Dictionary<string, string> Settings => new()
    {
        ["Storage:Database"] = _workspace.DatabasePath, ["Delivery:ReturnPath"] = BounceFixtures.ReturnPath,
    };

    [Test]
    public void Import_PrintsOneLinePerMessage_AndExitsZero_WhenEveryMessageWasRead()
    {
        var result = NewsletterProcess.Run(Settings, "bounces", "import",
            BounceFixtures.PathOf("postfix-unknown-user.eml.txt"), BounceFixtures.PathOf("vacation.eml.txt"), BounceFixtures.PathOf("postfix-unknown-user.eml.txt"));

        Assert.That(result.ExitCode, Is.Zero, result.Error + result.Output);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0], Does.StartWith("postfix-unknown-user.eml.txt: delivery-status: hard 5.1.1 reader1@example.org").And.EndWith("reader suppressed"));
        Assert.That(lines[1], Does.StartWith("vacation.eml.txt: auto-reply: auto-reply").And.EndWith("no change"));
        Assert.That(lines[2], Does.EndWith("already recorded"), "auto-replies and repeats are read: exit 0");
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(1)), Is.EqualTo("suppressed"));
    }

    [Test]
    public void Import_ExitsOne_WhenAnyMessageCouldNotBeRead_AndStillReadsTheOthers()
    {
        var result = NewsletterProcess.Run(Settings, "bounces", "import",
            BounceFixtures.PathOf("not-a-report.eml.txt"), Path.Combine(_workspace.Folder, "missing.eml.txt"), BounceFixtures.PathOf("arf-abuse.eml.txt"));

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Output, Does.Contain("not-a-report.eml.txt: cannot read: not a delivery status report"));
        Assert.That(result.Output, Does.Contain("missing.eml.txt: cannot read: no such file"));
        Assert.That(result.Output, Does.Contain("arf-abuse.eml.txt: feedback-report: complaint reader5@example.org"));
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(5)), Is.EqualTo("unsubscribed"));
    }

    [Test]
    public void Import_ReadsOneMessageFromStdin_AsAnMtaPipeHandsItOver()
    {
        var result = NewsletterProcess.RunWithInput(Settings, File.ReadAllText(BounceFixtures.PathOf("outlook-ndr.eml.txt")), "bounces", "import", "-");

        Assert.That(result.ExitCode, Is.Zero, result.Error + result.Output);
        Assert.That(result.Output, Does.StartWith("stdin: delivery-status: hard 5.1.10 reader4@example.org (digest #4, matched by verp)"));
        Assert.That(LedgerSeed.SubscriberState(_workspace.DatabasePath, LedgerSeed.Email(4)), Is.EqualTo("suppressed"));
    }

    [Test]
    public void Bounces_ListsEventsByKind_TheComplaintRate_AndUnreadMessages_AndDeliveriesShowsThem()
    {
        NewsletterProcess.Run(Settings, "bounces", "import",
            BounceFixtures.PathOf("postfix-unknown-user.eml.txt"), BounceFixtures.PathOf("arf-abuse.eml.txt"), BounceFixtures.PathOf("not-a-report.eml.txt"));

        var result = NewsletterProcess.Run(Settings, "bounces");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Does.Contain("last 30 days: hard 1, soft 0, complaint 1, blocked 0"));
        Assert.That(result.Output, Does.Contain($"complaint rate 11.11% of {BounceFixtures.Readers} digests sent"));
        Assert.That(result.Output, Does.Contain("hard 5.1.1 reader1@example.org digest #1 (pipe, by verp)"));
        Assert.That(result.Output, Does.Contain("messages that could not be read: 1"));
        Assert.That(result.Output, Does.Contain("unparsed").And.Contain("not a delivery status report"));

        var deliveries = NewsletterProcess.Run(Settings, "deliveries");
        Assert.That(deliveries.ExitCode, Is.Zero, deliveries.Error);
        Assert.That(deliveries.Output, Does.Contain("bounces and complaints").And.Contain("complaint reader5@example.org digest #5"));
    }
}
