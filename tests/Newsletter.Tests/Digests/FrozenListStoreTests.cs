using Dapper;
using Newsletter.Digests;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Digests;

/// <summary>
/// Retention's half of the frozen lists, on both providers: a list goes only when no ledger row points at it and no
/// planning has used it since the cut-off; rows planned before lists existed (their own items_json) still read.
/// </summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class FrozenListStoreTests(string provider) : OnBothProviders(provider)
{
    private const string Items = """[{"paper":1,"labels":["diffusion"],"score":1}]""";

    private void List(string hash, DateTimeOffset usedAt)
    {
        using var connection = Db.Database.Connect();
        connection.Execute("INSERT INTO frozen_lists (hash, items, used_at) VALUES (@hash, @items, @usedAt)", new { hash, items = Items, usedAt });
    }

    private long Row(long reader, string period, string? hash, string itemsJson)
    {
        using var connection = Db.Database.Connect();
        return connection.ExecuteScalar<long>(
            """
            INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json, items_hash)
            VALUES (@reader, @period, 'sent', @Now, @period, @itemsJson, @hash) RETURNING id
            """,
            new { reader, period, Now, itemsJson, hash });
    }

    private List<string> Lists()
    {
        using var connection = Db.Database.Connect();
        return connection.Query<string>("SELECT hash FROM frozen_lists ORDER BY hash").ToList();
    }

    [Test]
    public void RemoveUnusedLists_DeletesOnlyListsNoRowPointsAt_UnusedSinceTheCutOff_InBatches()
    {
        var reader = new SubscriberStore(Db.Database).EnsureExists("lists@example.org", new SubscriptionRequest(), Now);
        var old = Now.AddDays(-40);
        List("a0", old); // a row points at it: kept
        List("b1", old); // unused: goes
        List("b2", old); // unused: goes
        List("c3", Now); // unused, but used by planning since the cut-off (a row may be about to point at it): kept
        Row(reader, "daily:1", "a0", "");
        var store = new DeliveryStore(Db.Database);

        Assert.That(store.RemoveUnusedLists(Now.AddDays(-30), batch: 1), Is.EqualTo(1), "one batch of one");
        Assert.That(store.RemoveUnusedLists(Now.AddDays(-30), batch: 10), Is.EqualTo(1));
        Assert.That(store.RemoveUnusedLists(Now.AddDays(-30), batch: 10), Is.Zero);
        Assert.That(Lists(), Is.EqualTo(new[] { "a0", "c3" }));
    }

    [Test]
    public void Rows_ReadTheListTheyPointAt_OrTheirOwnItemsWhenPlannedBeforeLists()
    {
        var reader = new SubscriberStore(Db.Database).EnsureExists("rows@example.org", new SubscriptionRequest(), Now);
        List("a0", Now);
        var pointing = Row(reader, "daily:1", "a0", "");
        var older = Row(reader, "daily:0", null, """[{"paper":7,"labels":["keyword:mamba"],"score":2}]""");
        var store = new DeliveryStore(Db.Database);

        Assert.That(DeliveryStore.Items(store.ForSubscriber(reader).Single(r => r.Id == pointing)).Single().Paper, Is.EqualTo(1));
        Assert.That(DeliveryStore.Items(store.ForSubscriber(reader).Single(r => r.Id == older)).Single().Paper, Is.EqualTo(7));
    }
}
