using Dapper;
using Newsletter.Bounces;
using Newsletter.Delivery;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Bounces;

/// <summary>Each checked-in report read, matched and recorded through the policy, on a real database.</summary>
public class BounceReportTests
{
    private TestWorkspace _workspace = null!;
    private NewsletterFactory _app = null!;

    [SetUp]
    public void SetUp()
    {
        _workspace = new TestWorkspace();
        BounceFixtures.Seed(_workspace.DatabasePath);
        _app = new NewsletterFactory(_workspace, BounceFixtures.Settings(_workspace)).Started();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _app.DisposeAsync();
        _workspace.Dispose();
    }

    private ProcessedMessage Process(string file) =>
        _app.Get<BounceProcessor>().Process(BounceFixtures.Read(file), BounceSources.Pipe, file);

    private string State(int reader) => BounceSeed.Reader(_workspace.DatabasePath, reader).State;

    [TestCase("postfix-unknown-user.eml.txt", 1, BounceKinds.Hard, "5.1.1", BounceMatches.Verp, "suppressed")]
    [TestCase("gmail-no-such-user.eml.txt", 2, BounceKinds.Hard, "5.1.1", BounceMatches.Verp, "suppressed")]
    [TestCase("exim-failed.eml.txt", 3, BounceKinds.Hard, "5.0.0", BounceMatches.Header, "suppressed")]
    [TestCase("outlook-ndr.eml.txt", 4, BounceKinds.Hard, "5.1.10", BounceMatches.Verp, "suppressed")]
    [TestCase("arf-abuse.eml.txt", 5, BounceKinds.Complaint, null, BounceMatches.Header, "unsubscribed")]
    [TestCase("postfix-policy-block.eml.txt", 6, BounceKinds.Blocked, "5.7.1", BounceMatches.Verp, "confirmed")]
    [TestCase("postfix-delayed.eml.txt", 7, BounceKinds.Soft, "4.4.1", BounceMatches.Verp, "confirmed")]
    [TestCase("vacation.eml.txt", 8, BounceKinds.AutoReply, null, BounceMatches.Verp, "confirmed")]
    [TestCase("address-only.eml.txt", 9, BounceKinds.Hard, "5.1.1", BounceMatches.Address, "confirmed")]
    // Written by a real Postfix (tests/fixtures-tools/postfix-bounces.sh), VERP in its envelope.
    [TestCase("postfix-real-relay-refused.eml.txt", 8, BounceKinds.Hard, "5.3.0", BounceMatches.Verp, "suppressed")]
    [TestCase("postfix-real-unknown-user.eml.txt", 1, BounceKinds.Hard, "5.1.1", BounceMatches.Verp, "suppressed")]
    [TestCase("postfix-real-delayed.eml.txt", 7, BounceKinds.Soft, "4.3.0", BounceMatches.Verp, "confirmed")]
    [TestCase("postfix-real-gave-up.eml.txt", 7, BounceKinds.Soft, "4.3.0", BounceMatches.Verp, "confirmed")]
    public void Report_IsReadMatchedAndApplied(string file, int reader, string kind, string? status, string matchedBy, string state)
    {
        var result = Process(file);

        Assert.That(result.Parsed, Is.True, result.Line);
        var e = result.Outcomes.Single().Event;
        Assert.That((e.Kind, e.Status, e.MatchedBy), Is.EqualTo((kind, status, matchedBy)), result.Line);
        Assert.That(e.SubscriberId, Is.EqualTo(reader));
        Assert.That(e.DeliveryId, matchedBy == BounceMatches.Address ? Is.Null : Is.EqualTo(reader), "the ledger row, when the report names it");
        Assert.That(State(reader), Is.EqualTo(state));
        Assert.That(Enumerable.Range(1, BounceFixtures.Readers).Where(r => r != reader).Select(State), Is.All.EqualTo("confirmed"),
            "nobody else changes");
        Assert.That(result.Line, Does.StartWith(file + ": "));
    }

    [Test]
    public void Report_KeepsTheRemoteServersWords()
    {
        var e = Process("postfix-unknown-user.eml.txt").Outcomes.Single().Event;

        Assert.That(e.Recipient, Is.EqualTo("reader1@example.org"));
        Assert.That(e.RemoteMta, Is.EqualTo("mx.example.org"));
        Assert.That(e.Diagnostic, Does.StartWith("550 5.1.1 <reader1@example.org>: Recipient address rejected: User unknown"));
        Assert.That(Process("gmail-no-such-user.eml.txt").Line, Does.Contain("hard 5.1.1 reader2@example.org (digest #2, matched by verp): reader suppressed"));
    }

    [Test]
    public void SameReportTwice_IsOneEvent_AndSaysSo()
    {
        Process("postfix-delayed.eml.txt");
        var again = Process("postfix-delayed.eml.txt");

        Assert.That(again.Parsed, Is.True);
        Assert.That(again.Line, Does.Contain("already recorded"));
        using var connection = new Database(_workspace.DatabasePath).Open();
        Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM bounce_events"), Is.EqualTo(1));
    }

    [Test]
    public void RealPostfixDelayThenGiveUp_AreTwoEvents_OnOneSoftBouncedDigest()
    {
        var delayed = Process("postfix-real-delayed.eml.txt");
        var gaveUp = Process("postfix-real-gave-up.eml.txt");

        Assert.That((delayed.Outcomes.Single().Recorded, gaveUp.Outcomes.Single().Recorded), Is.EqualTo((true, true)), "two reports, two events");
        Assert.That(_app.Get<BounceStore>().SoftOfLastDigests(7, BouncePolicyOptions.SoftWindow), Is.EqualTo(1), "one digest soft-bounced");
        Assert.That(gaveUp.Outcomes.Single().Event.Diagnostic, Is.EqualTo("450 4.3.0 Error: command failed"));
        Assert.That(gaveUp.Outcomes.Single().Event.RemoteMta, Is.EqualTo("127.0.0.1"));
    }

    [Test]
    public void ForgedReport_WithAWrongTag_ChangesNothing()
    {
        var result = Process("forged-verp.eml.txt");

        var e = result.Outcomes.Single().Event;
        Assert.That(e.MatchedBy, Is.EqualTo(BounceMatches.MessageId), "the wrong tags prove nothing; only the guessable Message-ID matched");
        Assert.That(result.Line, Does.Contain("unproven").And.Contain("no change"));
        Assert.That(State(1), Is.EqualTo("confirmed"));
    }

    [Test]
    public void ReportAboutAStranger_IsRecordedUnmatched()
    {
        var result = Process("stranger.eml.txt");

        var e = result.Outcomes.Single().Event;
        Assert.That((e.SubscriberId, e.MatchedBy, e.Recipient), Is.EqualTo(((long?)null, BounceMatches.None, "nobody@example.com")));
        Assert.That(result.Line, Does.Contain("(unmatched): no change"));
    }

    [TestCase("not-a-report.eml.txt")]
    public void MessageThatIsNotAReport_IsRecordedAsUnparsedOnce(string file)
    {
        var first = Process(file);
        var second = Process(file);

        Assert.That((first.Parsed, second.Parsed), Is.EqualTo((false, false)));
        Assert.That(first.Line, Does.Contain("cannot read: not a delivery status report"));
        using var connection = new Database(_workspace.DatabasePath).Open();
        Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM bounce_events WHERE kind = 'unparsed'"), Is.EqualTo(1));
    }

    [Test]
    public void EmptyOrGarbageInput_IsUnparsed_NotAnError()
    {
        Assert.That(_app.Get<BounceProcessor>().Process([], BounceSources.Pipe, "empty").Parsed, Is.False);
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        Assert.That(_app.Get<BounceProcessor>().Process(garbage, BounceSources.Pipe, "garbage").Parsed, Is.False);
    }

    [Test]
    public async Task MessageOverTheSizeLimit_IsUnparsed_WithoutReadingItAll()
    {
        await using var huge = new MemoryStream(new byte[BounceProcessor.MaxMessageBytes + 1]);

        var result = await _app.Get<BounceProcessor>().ProcessAsync(huge, BounceSources.Pipe, "huge", CancellationToken.None);

        Assert.That((result.Parsed, result.Line), Is.EqualTo((false, "huge: cannot read: larger than 10 MiB")));
    }
}
