using Dapper;
using Newsletter.Digests;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Digests;

/// <summary>DeliveryStore recording a sending worker's batch of accepted messages at once, on both providers.</summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class DeliveryRecordStoreTests(string provider) : OnBothProviders(provider)
{
    [Test]
    public void MarkSent_RecordsEachAcceptedMessageOfTheBatch_AndLeavesRowsNoLongerSending()
    {
        var store = new DeliveryStore(Db.Database);
        var first = Row("a@example.org", "sending");
        var second = Row("b@example.org", "sending");
        var released = Row("c@example.org", "pending");
        using var connection = Db.Database.Connect();

        store.MarkSent(connection, [
            new SentMessage(first, "250 2.0.0 Ok: queued as A", Now.AddSeconds(1)),
            new SentMessage(second, "250 2.0.0 Ok: queued as B", Now.AddSeconds(2)),
            new SentMessage(released, "250 late", Now.AddSeconds(3)),
        ]);
        store.MarkSent(connection, []);

        Assert.That(Read(first), Is.EqualTo(("sent", "250 2.0.0 Ok: queued as A", (DateTimeOffset?)Now.AddSeconds(1), (DateTimeOffset?)null)));
        Assert.That(Read(second), Is.EqualTo(("sent", "250 2.0.0 Ok: queued as B", (DateTimeOffset?)Now.AddSeconds(2), (DateTimeOffset?)null)));
        Assert.That(Read(released).State, Is.EqualTo("pending"), "a row given back meanwhile is not marked sent");
        Assert.That(Read(released).Reply, Is.Null);
    }

    [Test]
    public void RecoverAbandoned_EndsAtMostTheUnrecordedWindowAsUnknown_AndGivesTheRestBack()
    {
        var store = new DeliveryStore(Db.Database);
        var claimed = Enumerable.Range(0, DeliveryStore.UnrecordedAtMost + 2).Select(i => Row($"r{i}@example.org", "sending")).ToList();
        var sent = claimed[0];
        using (var connection = Db.Database.Connect())
            store.MarkSent(connection, [new SentMessage(sent, "250 ok", Now)]);

        Assert.That(store.RecoverAbandoned(Now.AddMinutes(1)), Is.EqualTo(0), "leases still running");
        Assert.That(store.RecoverAbandoned(Now.AddMinutes(6)), Is.EqualTo(DeliveryStore.UnrecordedAtMost));

        Assert.That(Read(sent).State, Is.EqualTo("sent"));
        Assert.That(claimed.Skip(1).Take(DeliveryStore.UnrecordedAtMost).Select(id => Read(id).State), Is.All.EqualTo("unknown"),
            "the worker records in groups: any of its first unrecorded rows may have gone out");
        Assert.That(Read(claimed[^1]).State, Is.EqualTo("pending"), "a row past the window was never tried");
        Assert.That(Read(claimed[1]).LeaseUntil, Is.Null);
    }

    private long Row(string email, string state)
    {
        var reader = new SubscriberStore(Db.Database).EnsureExists(email, new SubscriptionRequest(), Now);
        using var connection = Db.Database.Connect();
        return connection.ExecuteScalar<long>(
            """
            INSERT INTO deliveries (subscriber_id, period_key, state, attempts, created_at, lease_until, lease_owner, message_id, items_json, updated_at)
            VALUES (@reader, 'daily:2026-12-01', @state, 1, @now, @lease, 'w/1', @messageId, '[]', @now)
            RETURNING id
            """,
            new { reader, state, now = Now, lease = Now.AddMinutes(5), messageId = $"<{reader}@example.org>" });
    }

    private (string State, string? Reply, DateTimeOffset? SentAt, DateTimeOffset? LeaseUntil) Read(long id)
    {
        using var connection = Db.Database.Connect();
        return connection.QuerySingle<(string, string?, DateTimeOffset?, DateTimeOffset?)>(
            "SELECT state, server_reply, sent_at, lease_until FROM deliveries WHERE id = @id", new { id });
    }
}
