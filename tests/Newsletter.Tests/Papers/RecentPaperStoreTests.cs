using Dapper;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Listings;
using Newsletter.Papers;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Papers;

/// <summary>
/// RecentPaperStore on both providers, the same cases on each: the days of <c>/papers</c> (published, else first
/// seen, newest first, paged by day), one day's papers most upvoted first, the feed's newest and a reader's papers.
/// </summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class RecentPaperStoreTests(string provider) : OnBothProviders(provider)
{
    private Dictionary<string, long> _ids = [];

    [SetUp]
    public void SetUp()
    {
        // Published late on the 24th (UTC) and unpublished papers first seen on the 26th: the day is the UTC one.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero));
        new PaperStore(Db.Database, clock).Merge([
            Paper("2611.00001", "Late on the 24th", new DateTimeOffset(2026, 11, 24, 23, 30, 0, TimeSpan.Zero), 5),
            Paper("2611.00002", "Morning of the 24th", new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero), 40),
            Paper("2611.00003", "No upvotes on the 24th", new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero), null),
            Paper("2611.00004", "On the 22nd", new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero), 1),
            Paper("2611.00005", "The 22nd at UTC+2, the 21st in UTC", new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.FromHours(2)), 1),
            Paper("2611.00006", "Never published", null, 3),
        ], "test");
        using var connection = Db.Database.Connect();
        _ids = connection.Query<(string ArxivId, long Id)>("SELECT arxiv_id, id FROM papers").ToDictionary(p => p.ArxivId, p => p.Id);
    }

    private static ListingEntry Paper(string arxivId, string title, DateTimeOffset? published, int? upvotes) =>
        new(title, "An abstract.") { ArxivId = arxivId, PublishedAt = published, Upvotes = upvotes, AbsUrl = $"https://arxiv.org/abs/{arxivId}" };

    [Test]
    public void Days_AreTheUtcDaysWithPapers_NewestFirst_PagedByDay()
    {
        var store = new RecentPaperStore(Db.Database);

        Assert.That(store.Days(null, 3), Is.EqualTo(new[] { new DateOnly(2026, 11, 26), new DateOnly(2026, 11, 24), new DateOnly(2026, 11, 22) }));
        Assert.That(store.Days(new DateOnly(2026, 11, 24), 3), Is.EqualTo(new[] { new DateOnly(2026, 11, 22), new DateOnly(2026, 11, 21) }));
        Assert.That(store.Days(new DateOnly(2026, 11, 21), 3), Is.Empty);
        Assert.That(store.Days(DateOnly.MaxValue, 1), Is.EqualTo(new[] { new DateOnly(2026, 11, 26) }));
    }

    [Test]
    public void Day_ListsItsPapersMostUpvotedFirst_CountsThemAll_AndIsCapped()
    {
        var store = new RecentPaperStore(Db.Database);

        var day = store.Day(new DateOnly(2026, 11, 24), 2);

        Assert.That(day.Count, Is.EqualTo(3));
        Assert.That(day.Papers.Select(p => p.Title), Is.EqualTo(new[] { "Morning of the 24th", "Late on the 24th" }));
        var first = day.Papers[0];
        Assert.That((first.Day, first.Upvotes, first.Url, first.ArxivId, first.Key), Is.EqualTo(("2026-11-24", 40, "https://arxiv.org/abs/2611.00002", "2611.00002", "2611.00002")));
        Assert.That(first.FirstSeenAt, Is.EqualTo(new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero)));
        Assert.That(store.Day(new DateOnly(2026, 11, 24), 10).Papers.Last().Title, Is.EqualTo("No upvotes on the 24th"), "no upvotes sorts last");
        Assert.That(store.Day(new DateOnly(2026, 11, 26), 10).Papers.Select(p => (p.Title, p.Day)), Is.EqualTo(new[] { ("Never published", "2026-11-26") }));
        Assert.That(store.Day(new DateOnly(2026, 11, 23), 10).Count, Is.Zero);
        Assert.That(store.Day(DateOnly.MaxValue, 10).Count, Is.Zero);
    }

    [Test]
    public void LatestAndGet_ReturnPapersByIngestOrder_AndInTheOrderAsked()
    {
        var store = new RecentPaperStore(Db.Database);

        Assert.That(store.Latest(2).Select(p => p.Title), Is.EqualTo(new[] { "Never published", "The 22nd at UTC+2, the 21st in UTC" }));
        Assert.That(store.Get([_ids["2611.00004"], 999_999, _ids["2611.00001"]]).Select(p => p.Title), Is.EqualTo(new[] { "On the 22nd", "Late on the 24th" }));
        Assert.That(store.Get([]), Is.Empty);
    }

    [Test]
    public void ReaderPaperIds_AreTheirDigestsPapers_NewestDigestFirst_EachOnce_SkippingFailedRows()
    {
        var subscribers = new SubscriberStore(Db.Database);
        var reader = subscribers.EnsureExists("reader@example.org", new SubscriptionRequest(), Now);
        var other = subscribers.EnsureExists("other@example.org", new SubscriptionRequest(), Now);
        Ledger(reader, "daily:2026-11-24", "sent", _ids["2611.00001"], _ids["2611.00002"]);
        Ledger(reader, "daily:2026-11-25", "failed", _ids["2611.00003"]);
        Ledger(reader, "daily:2026-11-26", "pending", _ids["2611.00004"], _ids["2611.00001"]);
        Ledger(other, "daily:2026-11-26", "sent", _ids["2611.00005"]);
        var store = new RecentPaperStore(Db.Database);

        Assert.That(store.ReaderPaperIds(reader, 10), Is.EqualTo(new[] { _ids["2611.00004"], _ids["2611.00001"], _ids["2611.00002"] }));
        Assert.That(store.ReaderPaperIds(reader, 2), Is.EqualTo(new[] { _ids["2611.00004"], _ids["2611.00001"] }));
    }

    private void Ledger(long subscriberId, string periodKey, string state, params long[] papers)
    {
        using var connection = Db.Database.Connect();
        connection.Execute(
            """
            INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json)
            VALUES (@subscriberId, @periodKey, @state, @now, @messageId, @items)
            """,
            new
            {
                subscriberId, periodKey, state, now = Now, messageId = $"<{subscriberId}.{periodKey}@test>",
                items = "[" + string.Join(",", papers.Select(p => $$"""{"paper":{{p}},"labels":["t"],"score":1}""")) + "]",
            });
    }
}
