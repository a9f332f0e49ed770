using Dapper;
using Newsletter.Digests;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Digests;

/// <summary>
/// The frozen lists ledger rows point at, on both providers: retention removes a list only when no row points at it
/// and it was written before the cut-off; rows planned before lists existed (their own items_json) still read.
/// </summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class FrozenListStoreTests(string provider) : OnBothProviders(provider)
{
    private long List(int paper, DateTimeOffset createdAt)
    {
        using var connection = Db.Database.Connect();
        return connection.ExecuteScalar<long>("INSERT INTO frozen_lists (items, created_at) VALUES (@items, @createdAt) RETURNING id",
            new { items = $$"""[{"paper":{{paper}},"labels":["diffusion"],"score":1}]""", createdAt });
    }

    private void Row(long reader, string period, long? list, string itemsJson)
    {
        using var connection = Db.Database.Connect();
        connection.Execute(
            """
            INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json, items_list)
            VALUES (@reader, @period, 'sent', @Now, @period, @itemsJson, @list)
            """,
            new { reader, period, Now, itemsJson, list });
    }

    private List<long> Lists()
    {
        using var connection = Db.Database.Connect();
        return connection.Query<long>("SELECT id FROM frozen_lists ORDER BY id").ToList();
    }

    [Test]
    public void RemoveUnusedLists_DeletesOnlyOldListsNoRowPointsAt_InBatches()
    {
        var reader = new SubscriberStore(Db.Database).EnsureExists("lists@example.org", new SubscriptionRequest(), Now);
        var old = Now.AddDays(-40);
        var used = List(1, old);   // a row points at it: kept
        List(2, old);              // unused: goes
        List(3, old);              // unused: goes
        var recent = List(4, Now); // unused, but written after the cut-off (its run may still point rows at it): kept
        Row(reader, "daily:1", used, "");
        var store = new DeliveryStore(Db.Database);

        Assert.That(store.RemoveUnusedLists(Now.AddDays(-30), batch: 1), Is.EqualTo(1), "one batch of one");
        Assert.That(store.RemoveUnusedLists(Now.AddDays(-30), batch: 10), Is.EqualTo(1));
        Assert.That(store.RemoveUnusedLists(Now.AddDays(-30), batch: 10), Is.Zero);
        Assert.That(Lists(), Is.EqualTo(new[] { used, recent }));
    }

    [Test]
    public void Rows_ReadTheListTheyPointAt_OrTheirOwnItemsWhenPlannedBeforeLists()
    {
        var reader = new SubscriberStore(Db.Database).EnsureExists("rows@example.org", new SubscriptionRequest(), Now);
        Row(reader, "daily:1", List(1, Now), "");
        Row(reader, "daily:0", null, """[{"paper":7,"labels":["keyword:mamba"],"score":2}]""");

        var rows = new DeliveryStore(Db.Database).ForSubscriber(reader);

        Assert.That(rows.Select(r => (r.PeriodKey, DeliveryStore.Items(r).Single().Paper)), Is.EquivalentTo(new[] { ("daily:1", 1L), ("daily:0", 7L) }));
    }
}
