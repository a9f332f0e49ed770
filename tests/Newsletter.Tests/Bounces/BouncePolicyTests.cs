using Dapper;
using Newsletter.Delivery;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Bounces;

/// <summary>The stated policy: what each kind of event does to a reader, on a real database.</summary>
public class BouncePolicyTests
{
    private TestWorkspace _workspace = null!;
    private NewsletterFactory _app = null!;

    [SetUp]
    public void SetUp()
    {
        _workspace = new TestWorkspace();
        _app = new NewsletterFactory(_workspace).Started();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _app.DisposeAsync();
        _workspace.Dispose();
    }

    private BouncePolicy Policy => _app.Get<BouncePolicy>();
    private string Db => _workspace.DatabasePath;

    [Test]
    public void HardBounce_SuppressesTheReader_WithTheReason()
    {
        var rows = BounceSeed.SentDigests(Db, 1, 1);

        var outcome = Policy.Record(BounceSeed.Event(Db, rows[0], BounceKinds.Hard, "r1"));

        Assert.That((outcome.Recorded, outcome.Change), Is.EqualTo((true, BouncePolicy.Suppressed)));
        var (state, reason) = BounceSeed.Reader(Db, 1);
        Assert.That(state, Is.EqualTo("suppressed"));
        Assert.That(reason, Does.Contain("permanent bounce").And.Contain("5.1.1").And.Contain("mailbox"));
    }

    [Test]
    public void SameReportTwice_CountsOnce()
    {
        var rows = BounceSeed.SentDigests(Db, 1, 2);
        _app.Dispose();
        _app = new NewsletterFactory(_workspace, new Dictionary<string, string?> { ["Delivery:HardBounceLimit"] = "2" }).Started();

        Assert.That(Policy.Record(BounceSeed.Event(Db, rows[0], BounceKinds.Hard, "same")).Recorded, Is.True);
        var again = Policy.Record(BounceSeed.Event(Db, rows[0], BounceKinds.Hard, "same"));

        Assert.That((again.Recorded, again.Change), Is.EqualTo((false, (string?)null)));
        Assert.That(BounceSeed.Reader(Db, 1).State, Is.EqualTo("confirmed"), "one report, one bounce: below the limit of 2");
        Assert.That(Policy.Record(BounceSeed.Event(Db, rows[1], BounceKinds.Hard, "other")).Change, Is.EqualTo(BouncePolicy.Suppressed));
    }

    [Test]
    public void BlockedNoticeAndAutoReply_ChangeNothing()
    {
        var rows = BounceSeed.SentDigests(Db, 1, 1);

        foreach (var kind in new[] { BounceKinds.Blocked, BounceKinds.Notice, BounceKinds.AutoReply })
            Assert.That(Policy.Record(BounceSeed.Event(Db, rows[0], kind, kind)).Change, Is.Null, kind);

        Assert.That(BounceSeed.Reader(Db, 1).State, Is.EqualTo("confirmed"));
        using var connection = new Database(Db).Open();
        Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM bounce_events"), Is.EqualTo(3), "each is still recorded");
    }

    [TestCase(BounceMatches.Address)]
    [TestCase(BounceMatches.MessageId)]
    public void ReportThatDoesNotProveItIsAboutOurMail_IsRecorded_AndChangesNothing(string matchedBy)
    {
        var rows = BounceSeed.SentDigests(Db, 1, 1);

        Assert.That(Policy.Record(BounceSeed.Event(Db, rows[0], BounceKinds.Hard, "h", matchedBy)).Change, Is.Null);
        Assert.That(Policy.Record(BounceSeed.Event(Db, rows[0], BounceKinds.Complaint, "c", matchedBy)).Change, Is.Null);

        Assert.That(BounceSeed.Reader(Db, 1).State, Is.EqualTo("confirmed"));
        Assert.That(_app.Get<BounceStore>().ForSubscriber(BounceSeed.SubscriberOf(Db, rows[0])), Has.Count.EqualTo(2));
    }

    [Test]
    public void SoftBounces_SuppressAtThreeOfTheLastFiveDigests()
    {
        var rows = BounceSeed.SentDigests(Db, 1, 5);

        Assert.That(Policy.Record(BounceSeed.Event(Db, rows[1], BounceKinds.Soft, "s1")).Change, Is.Null);
        Assert.That(Policy.Record(BounceSeed.Event(Db, rows[1], BounceKinds.Soft, "s1-again-later")).Change, Is.Null,
            "two reports about one digest are one soft-bounced digest");
        Assert.That(Policy.Record(BounceSeed.Event(Db, rows[3], BounceKinds.Soft, "s2")).Change, Is.Null);
        Assert.That(BounceSeed.Reader(Db, 1).State, Is.EqualTo("confirmed"));

        Assert.That(Policy.Record(BounceSeed.Event(Db, rows[4], BounceKinds.Soft, "s3")).Change, Is.EqualTo(BouncePolicy.Suppressed));
        Assert.That(BounceSeed.Reader(Db, 1).Reason, Does.Contain("3 of the last 5 digests"));
    }

    [Test]
    public void SoftBounces_DoNotSuppress_WhenLaterDigestsWereDelivered()
    {
        var rows = BounceSeed.SentDigests(Db, 1, 7);

        // Three soft bounces on the two oldest digests and one recent: only one lies among the last five.
        Policy.Record(BounceSeed.Event(Db, rows[0], BounceKinds.Soft, "old1"));
        Policy.Record(BounceSeed.Event(Db, rows[1], BounceKinds.Soft, "old2"));
        var last = Policy.Record(BounceSeed.Event(Db, rows[6], BounceKinds.Soft, "new"));

        Assert.That(last.Change, Is.Null);
        Assert.That(BounceSeed.Reader(Db, 1).State, Is.EqualTo("confirmed"));
    }

    [Test]
    public void Complaint_UnsubscribesAtOnce_AndFailsTheDigestsNotYetSent()
    {
        var rows = BounceSeed.SentDigests(Db, 1, 1);
        LedgerSeed.Readers(Db, 1, period: "daily:2026-11-30");

        var outcome = Policy.Record(BounceSeed.Event(Db, rows[0], BounceKinds.Complaint, "c1"));

        Assert.That(outcome.Change, Is.EqualTo(BouncePolicy.Unsubscribed));
        var (state, reason) = BounceSeed.Reader(Db, 1);
        Assert.That(state, Is.EqualTo("unsubscribed"));
        Assert.That(reason, Does.Contain("spam"));
        Assert.That(LedgerSeed.Rows(Db).Last().State, Is.EqualTo("failed"), "the planned digest is not sent");
    }

    [Test]
    public void ConfirmingAgain_EndsSuppression_AndStartsTheCountAfresh()
    {
        var rows = BounceSeed.SentDigests(Db, 1, 1);
        Policy.Record(BounceSeed.Event(Db, rows[0], BounceKinds.Hard, "h1"));
        var id = BounceSeed.SubscriberOf(Db, rows[0]);
        Assert.That(BounceSeed.Reader(Db, 1).State, Is.EqualTo("suppressed"));

        var confirmed = _app.Get<SubscriberStore>().Confirm(id, null, DateTimeOffset.UtcNow.AddSeconds(1), s => DateTimeOffset.UtcNow.AddDays(1));

        Assert.That((confirmed!.State, confirmed.StateReason), Is.EqualTo(("confirmed", (string?)null)));
        // The old report read again (a re-polled mailbox) does not suppress them anew.
        Assert.That(Policy.Record(BounceSeed.Event(Db, rows[0], BounceKinds.Hard, "h1")).Change, Is.Null);
        Assert.That(BounceSeed.Reader(Db, 1).State, Is.EqualTo("confirmed"));
    }

    [Test]
    public void DeletingTheReader_DeletesTheirEvents()
    {
        var rows = BounceSeed.SentDigests(Db, 1, 1);
        Policy.Record(BounceSeed.Event(Db, rows[0], BounceKinds.Soft, "s"));

        _app.Get<SubscriberStore>().Delete(BounceSeed.SubscriberOf(Db, rows[0]));

        using var connection = new Database(Db).Open();
        Assert.That(connection.ExecuteScalar<int>("SELECT COUNT(*) FROM bounce_events"), Is.Zero);
    }

    [Test]
    public void DataExport_IncludesTheReadersEvents_AndWhyTheyWereStopped()
    {
        var rows = BounceSeed.SentDigests(Db, 1, 1);
        Policy.Record(BounceSeed.Event(Db, rows[0], BounceKinds.Hard, "h1"));
        var reader = _app.Get<SubscriberStore>().Find(BounceSeed.SubscriberOf(Db, rows[0]))!;

        var export = _app.Get<ReaderDataSections>().AddTo(_app.Get<SubscriptionService>().ExportData(reader), reader.Id);

        Assert.That(export["stateReason"]!.GetValue<string>(), Does.Contain("permanent bounce"));
        var bounce = export["bounces"]!.AsArray().Single()!;
        Assert.That(bounce["kind"]!.GetValue<string>(), Is.EqualTo(BounceKinds.Hard));
        Assert.That(bounce["status"]!.GetValue<string>(), Is.EqualTo("5.1.1"));
        Assert.That(bounce["deliveryId"]!.GetValue<long>(), Is.EqualTo(rows[0]));
    }

    [TestCase("failed", "5.1.1", BounceKinds.Hard)]
    [TestCase("failed", "5.2.2", BounceKinds.Hard)]
    [TestCase("failed", "5.7.1", BounceKinds.Blocked)]
    [TestCase("failed", "4.4.7", BounceKinds.Soft)]
    [TestCase("delayed", "4.4.1", BounceKinds.Soft)]
    [TestCase("delivered", "2.0.0", BounceKinds.Notice)]
    [TestCase("relayed", "2.0.0", BounceKinds.Notice)]
    [TestCase(null, "550 5.7.1 Message rejected as spam", BounceKinds.Blocked)]
    [TestCase(null, "550 Requested action not taken: mailbox unavailable", BounceKinds.Hard)]
    [TestCase(null, "452 too many recipients", BounceKinds.Soft)]
    public void Classification_FollowsTheActionAndStatusClass(string? action, string status, string kind) =>
        Assert.That(BounceKinds.FromReport(action, status), Is.EqualTo(kind));
}
