using Dapper;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Admin;
using Newsletter.ForYou;
using Newsletter.Listings;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Admin;

/// <summary>
/// AdminLedgerStore and AdminStatsStore on both providers, the same cases on each: the operator's reads of the
/// ledger (a reader's rows, a day's rows in a state page by page, the day's states) and the numbers of the overview
/// (rollups per state and day, bounces and papers per UTC day).
/// </summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class AdminStoreTests(string provider) : OnBothProviders(provider)
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 24, 23, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day2 = new(2026, 11, 25, 0, 30, 0, TimeSpan.Zero);

    private long _ann, _bob;

    [SetUp]
    public void SetUp()
    {
        var subscribers = new SubscriberStore(Db.Database);
        _ann = subscribers.EnsureExists("ann@example.org", new SubscriptionRequest(), Day1);
        _bob = subscribers.EnsureExists("bob@example.org", new SubscriptionRequest(), Day2);
        subscribers.Unsubscribe(_bob, Day2);
    }

    [Test]
    public void Ledger_ReadsAReadersRows_AndADaysRowsInAStatePageByPage()
    {
        var first = Ledger(_ann, "daily:2026-11-24", "sent", Day1, "[{\"paper\":7,\"labels\":[\"t\"],\"score\":1}]");
        var second = Ledger(_ann, "daily:2026-11-25", "failed", Day2, "[]");
        var third = Ledger(_bob, "daily:2026-11-25", "failed", Day2.AddMinutes(5), "[]");
        var store = new AdminLedgerStore(Db.Database);

        var rows = store.ForReader(_ann, 10);
        Assert.That(rows.Select(r => (r.Id, r.Email, r.PeriodKey, r.State)), Is.EqualTo(new[]
        {
            (second, "ann@example.org", "daily:2026-11-25", "failed"), (first, "ann@example.org", "daily:2026-11-24", "sent"),
        }));
        Assert.That((rows[1].CreatedAt, rows[1].SentAt, rows[1].ServerReply, rows[1].ItemsJson),
            Is.EqualTo((Day1, (DateTimeOffset?)Day1.AddMinutes(1), "250 ok", "[{\"paper\":7,\"labels\":[\"t\"],\"score\":1}]")));
        Assert.That(store.ForReader(_ann, 1).Single().Id, Is.EqualTo(second));

        var day = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
        Assert.That(store.Planned(day, day.AddDays(1), "failed", null, 1).Select(r => r.Id), Is.EqualTo(new[] { third }));
        Assert.That(store.Planned(day, day.AddDays(1), "failed", third, 10).Select(r => r.Id), Is.EqualTo(new[] { second }));
        Assert.That(store.Planned(day, day.AddDays(1), "sent", null, 10), Is.Empty, "the sent row was planned the day before");
        Assert.That(store.DayStates("2026-11-25"), Is.EquivalentTo(new Dictionary<string, long> { ["failed"] = 2 }));
        Assert.That(store.DayStates("2026-11-24"), Is.EquivalentTo(new Dictionary<string, long> { ["sent"] = 1 }));
    }

    [Test]
    public void PaperTitles_AreByIdAndLeaveOutPapersNoLongerStored()
    {
        new PaperStore(Db.Database, new FakeTimeProvider(Day1)).Merge([new ListingEntry("A kept paper", "An abstract.") { ArxivId = "2611.00001" }], "test");
        var id = new MarkStore(Db.Database).PaperByArxivId("2611.00001")!.Value;

        Assert.That(new AdminLedgerStore(Db.Database).PaperTitles([id, id + 1000]),
            Is.EquivalentTo(new Dictionary<long, string> { [id] = "A kept paper" }));
        Assert.That(new AdminLedgerStore(Db.Database).PaperTitles([]), Is.Empty);
    }

    [Test]
    public void Stats_ReadTheRollupsByState_AndDayAsUtcDays()
    {
        Ledger(_ann, "daily:2026-11-24", "sent", Day1, "[]");
        Ledger(_ann, "daily:2026-11-25", "failed", Day2, "[]");
        Ledger(_bob, "daily:2026-11-25", "sent", Day2, "[]");
        var store = new AdminStatsStore(Db.Database);

        Assert.That(store.ReaderStates().Where(s => s.Value != 0), Is.EquivalentTo(new Dictionary<string, long> { ["pending"] = 1, ["unsubscribed"] = 1 }));
        Assert.That(store.ReaderDays("2026-11-25").Where(c => c.Count != 0).Select(c => (c.Day, c.Series, c.Count)),
            Is.EquivalentTo(new[] { ("2026-11-25", "signups", 1L), ("2026-11-25", "unsubscribes", 1L) }));
        Assert.That(store.DeliveryDays("2026-11-24").Select(c => (c.Day, c.Series, c.Count)),
            Is.EquivalentTo(new[] { ("2026-11-24", "sent", 1L), ("2026-11-25", "failed", 1L), ("2026-11-25", "sent", 1L) }));
        Assert.That(store.DeliveryStates(), Is.EquivalentTo(new Dictionary<string, long> { ["sent"] = 2, ["failed"] = 1 }));
    }

    [Test]
    public void Stats_CountBouncesAndPapersPerUtcDay_FromTheDayAsked()
    {
        Bounce(_ann, "hard", Day1);
        Bounce(_ann, "soft", Day2);
        Bounce(_bob, "complaint", Day2);
        Bounce(_bob, "auto-reply", Day2);
        Bounce(null, "hard", Day2);
        var clock = new FakeTimeProvider(Day1);
        var papers = new PaperStore(Db.Database, clock);
        papers.Merge([new ListingEntry("First", "An abstract.") { ArxivId = "2611.00001" }], "hf");
        clock.SetUtcNow(Day2);
        papers.Merge([new ListingEntry("Second", "An abstract.") { ArxivId = "2611.00002" }, new ListingEntry("Third", "An abstract.") { ArxivId = "2611.00003" }], "arxiv");
        var store = new AdminStatsStore(Db.Database);

        Assert.That(store.BounceDays("2026-11-25").Select(c => (c.Day, c.Series, c.Count)),
            Is.EquivalentTo(new[] { ("2026-11-25", "bounce", 1L), ("2026-11-25", "complaint", 1L) }));
        Assert.That(store.BounceDays("2026-11-24").Count(c => c.Day == "2026-11-24"), Is.EqualTo(1));
        Assert.That(store.BounceTotals(), Is.EquivalentTo(new Dictionary<string, long> { ["bounce"] = 2, ["complaint"] = 1 }));
        Assert.That(store.PaperDays("2026-11-24").Select(c => (c.Day, c.Series, c.Count)),
            Is.EquivalentTo(new[] { ("2026-11-24", "hf", 1L), ("2026-11-25", "arxiv", 2L) }));
        Assert.That(store.PaperDays("2026-11-25").Select(c => c.Day), Is.All.EqualTo("2026-11-25"));
        Assert.That(store.Papers(), Is.EqualTo(3));
        Assert.That(store.TopicWindow(Day2.AddMinutes(-1)).Low, Is.Not.Null);
        Assert.That(store.TopicWindow(Day2.AddMinutes(1)).Low, Is.Null);
    }

    private long Ledger(long subscriberId, string periodKey, string state, DateTimeOffset at, string items)
    {
        using var connection = Db.Database.Connect();
        return connection.ExecuteScalar<long>(
            """
            INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json, sent_at, server_reply)
            VALUES (@subscriberId, @periodKey, @state, @at, @messageId, @items, @sentAt, @reply)
            RETURNING id
            """,
            new
            {
                subscriberId, periodKey, state, at, messageId = $"<{subscriberId}.{periodKey}@test>", items,
                sentAt = state == "sent" ? at.AddMinutes(1) : (DateTimeOffset?)null, reply = state == "sent" ? "250 ok" : null,
            });
    }

    private void Bounce(long? subscriberId, string kind, DateTimeOffset at)
    {
        using var connection = Db.Database.Connect();
        connection.Execute(
            """
            INSERT INTO bounce_events (subscriber_id, kind, source, matched_by, dedupe_key, received_at)
            VALUES (@subscriberId, @kind, 'smtp', 'smtp', @key, @at)
            """,
            new { subscriberId, kind, key = Guid.NewGuid().ToString("N"), at });
    }
}
