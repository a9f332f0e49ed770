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

    private void Row(long reader, string period, long? list, string itemsJson, DateTimeOffset? createdAt = null)
    {
        using var connection = Db.Database.Connect();
        connection.Execute(
            """
            INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json, items_list)
            VALUES (@reader, @period, 'sent', @createdAt, @period, @itemsJson, @list)
            """,
            new { reader, period, createdAt = createdAt ?? Now, itemsJson, list });
    }

    private List<long> Lists()
    {
        using var connection = Db.Database.Connect();
        return connection.Query<long>("SELECT id FROM frozen_lists ORDER BY id").ToList();
    }

    [Test]
    public void RemoveUnusedLists_DeletesOnlyOldListsOfRunsWithNoRowLeft_InBatches()
    {
        var reader = new SubscriberStore(Db.Database).EnsureExists("lists@example.org", new SubscriptionRequest(), Now);
        var old = Now.AddDays(-40);
        var used = List(1, old);   // a row of its run points at it: kept
        List(2, old.AddHours(1));  // its run has no row left: goes
        List(3, old.AddHours(2));  // the same: goes
        var recent = List(4, Now); // unused, but written after the cut-off (its run may still point rows at it): kept
        Row(reader, "daily:1", used, "", old);
        var store = new DeliveryStore(Db.Database);

        Assert.That(store.RemoveUnusedLists(Now.AddDays(-30), batch: 1), Is.EqualTo(1), "one batch of one");
        Assert.That(store.RemoveUnusedLists(Now.AddDays(-30), batch: 10), Is.EqualTo(1));
        Assert.That(store.RemoveUnusedLists(Now.AddDays(-30), batch: 10), Is.Zero);
        Assert.That(Lists(), Is.EqualTo(new[] { used, recent }));
    }

    [Test]
    public void RemoveUnusedLists_KeepsAListWhileAnyRowOfItsRunIsKept_AndRemovesItWithTheRunsLastRow()
    {
        var reader = new SubscriberStore(Db.Database).EnsureExists("runs@example.org", new SubscriptionRequest(), Now);
        var run = Now.AddDays(-40);
        var pointedAt = List(1, run);
        var sameRun = List(2, run);                      // no row points at it, but a row of its run is still kept
        var otherRun = List(3, run.AddMinutes(15));      // a run with no row left: goes
        Row(reader, "daily:1", pointedAt, "", run);
        var store = new DeliveryStore(Db.Database);

        Assert.That(store.RemoveUnusedLists(Now.AddDays(-30), batch: 10), Is.EqualTo(1));
        Assert.That(Lists(), Is.EqualTo(new[] { pointedAt, sameRun }));

        using (var connection = Db.Database.Connect())
            connection.Execute("DELETE FROM deliveries");
        Assert.That(store.RemoveUnusedLists(Now.AddDays(-30), batch: 10), Is.EqualTo(2), "the run's last row gone, its lists go");
        Assert.That(Lists(), Is.Empty);
        Assert.That(otherRun, Is.Not.EqualTo(sameRun));
        if (!Db.Database.IsPostgres)
        {
            using var connection = Db.Database.Connect();
            Assert.That(connection.ExecuteScalar<long>("PRAGMA foreign_keys"), Is.EqualTo(1), "the connection checks foreign keys again");
            Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM sqlite_master WHERE name = 'deliveries_items_list'"), Is.Zero,
                "no planned row writes an index entry for its list (migration 0030)");
        }
    }

    [Test]
    public void RemoveUnusedLists_KeepsTheListsOfAPlannedRun_WhileItsRowsAreKept()
    {
        var reader = new SubscriberStore(Db.Database).EnsureExists("planned@example.org", new SubscriptionRequest(), Now);
        var run = Now.AddDays(-40);
        using (var connection = Db.Database.Connect())
            connection.Execute("UPDATE subscribers SET state = 'confirmed', next_due_at = @run WHERE id = @reader", new { run, reader });
        var store = new DeliveryStore(Db.Database);
        // Written by the planner's own path: the list and the row each bind the run's time themselves.
        var digest = new PlannedDigest(reader, "daily:2026-10-22", run.AddDays(-1), run,
            [new Newsletter.Matching.DigestItem(1, ["diffusion"], 1)], 1, run, run.AddDays(1));
        Assert.That(store.Plan([digest], "example.org", sendEmpty: false, run, out _, new FrozenLists()), Is.EqualTo(1));

        Assert.That(store.RemoveUnusedLists(Now.AddDays(-30), batch: 10), Is.Zero, "its row is still kept");
        using (var connection = Db.Database.Connect())
            connection.Execute("DELETE FROM deliveries");
        Assert.That(store.RemoveUnusedLists(Now.AddDays(-30), batch: 10), Is.EqualTo(1));
    }

    [Test]
    public void APlanningRun_WritesAllItsPagesAtOneTime_APageAtAnotherTimeIsRefused()
    {
        var reader = new SubscriberStore(Db.Database).EnsureExists("onetime@example.org", new SubscriptionRequest(), Now);
        var run = new FrozenLists();
        var store = new DeliveryStore(Db.Database);

        Assert.That(() => store.Plan([Digest(reader)], "example.org", sendEmpty: false, Now, out _, run), Throws.Nothing);
        Assert.That(() => store.Plan([Digest(reader)], "example.org", sendEmpty: false, Now.AddMinutes(1), out _, run),
            Throws.InvalidOperationException);
    }

    private PlannedDigest Digest(long reader) =>
        new(reader, "daily:2026-11-24", Now.AddDays(-1), Now, [new Newsletter.Matching.DigestItem(1, ["diffusion"], 1)], 1, Now, Now.AddDays(1));

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
