using Dapper;
using Newsletter.Delivery;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>The bounce events store on both providers, the same cases on each.</summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class BounceStoreTests(string provider) : OnBothProviders(provider)
{
    private BounceStore _bounces = null!;
    private long _reader;
    private List<long> _digests = [];

    /// <summary>A reader confirmed at <c>Now</c> with three digests: two sent, one still pending.</summary>
    [SetUp]
    public void SetUp()
    {
        _bounces = new BounceStore(Db.Database);
        using var connection = Db.Database.Connect();
        _reader = connection.ExecuteScalar<long>(
            "INSERT INTO subscribers (email, state, created_at, confirmed_at) VALUES ('r@example.org', 'confirmed', @Now, @Now) RETURNING id", new { Now });
        _digests = new[] { "sent", "sent", "pending" }.Select((state, day) => connection.ExecuteScalar<long>(
            """
            INSERT INTO deliveries (subscriber_id, period_key, state, created_at, sent_at, message_id, items_json)
            VALUES (@_reader, @period, @state, @at, @at, @period, '[]') RETURNING id
            """,
            new { _reader, period = $"daily:{day}", state, at = Now.AddDays(day + 1) })).ToList();
    }

    private BounceEvent Event(string key, string kind, string matchedBy, long? delivery = null, DateTimeOffset? at = null) => new()
    {
        SubscriberId = _reader, DeliveryId = delivery, Kind = kind, Status = "5.1.1", Diagnostic = "550 5.1.1 no such user",
        Source = BounceSources.Smtp, MatchedBy = matchedBy, DedupeKey = key, ReceivedAt = at ?? Now.AddDays(2),
    };

    [Test]
    public void Record_WritesAnEventOnce_PerDedupeKey()
    {
        Assert.That(_bounces.Record(Event("smtp:1", BounceKinds.Hard, BounceMatches.Smtp, _digests[0])), Is.True);
        Assert.That(_bounces.Record(Event("smtp:1", BounceKinds.Soft, BounceMatches.Smtp)), Is.False);

        var found = _bounces.Find("smtp:1")!;
        Assert.That((found.Kind, found.DeliveryId, found.ReceivedAt), Is.EqualTo((BounceKinds.Hard, (long?)_digests[0], Now.AddDays(2))));
        Assert.That(_bounces.ForSubscriber(_reader).Select(e => e.DedupeKey), Is.EqualTo(new[] { "smtp:1" }));
        Assert.That(_bounces.ForDeliveries([_digests[0], _digests[1]])[_digests[0]].Single().DedupeKey, Is.EqualTo("smtp:1"));
    }

    [Test]
    public void Counts_OnlyProvenEventsSinceTheReaderConfirmed()
    {
        _bounces.Record(Event("old", BounceKinds.Hard, BounceMatches.Smtp, at: Now.AddDays(-1)));
        _bounces.Record(Event("proven", BounceKinds.Hard, BounceMatches.Verp));
        _bounces.Record(Event("claimed", BounceKinds.Hard, BounceMatches.Address));
        _bounces.Record(Event("soft", BounceKinds.Soft, BounceMatches.Smtp, _digests[1]));

        Assert.That(_bounces.HardSinceConfirmed(_reader), Is.EqualTo(1), "one proven hard bounce since confirming");
        Assert.That(_bounces.SoftOfLastDigests(_reader, 5), Is.EqualTo(1));
        Assert.That(_bounces.SoftOfLastDigests(_reader, 1), Is.EqualTo(1), "the newest digest handed over is the one that bounced");
        Assert.That(_bounces.CountsByKind(Now), Is.EqualTo(new Dictionary<string, int> { [BounceKinds.Hard] = 2, [BounceKinds.Soft] = 1 }));
        Assert.That(_bounces.SentSince(Now.AddDays(2)), Is.EqualTo(1));
        Assert.That(_bounces.Recent(BounceKinds.Soft, 10).Single().Email, Is.EqualTo("r@example.org"));
        Assert.That(_bounces.Recent(null, 2).Select(e => e.DedupeKey), Is.EqualTo(new[] { "soft", "claimed" }));
    }
}
