using Dapper;
using Newsletter.Digests;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>
/// Two nodes moving ledger rows in opposite directions at once on PostgreSQL (a release gives sending → pending back
/// while another node takes pending → sending) lock the day's state counters in opposite orders; PostgreSQL ends one
/// as a deadlock victim, and the ledger's own methods run their transaction again instead of failing the send.
/// </summary>
[TestFixture(StorageProviders.Postgres)]
public class LedgerDeadlockTests(string provider) : OnBothProviders(provider)
{
    [Test]
    public async Task Release_EndedAsADeadlockVictim_RunsAgain_AndGivesTheRowBack()
    {
        var ledger = new DeliveryStore(Db.Database);
        var rows = PendingRows(3);
        using (var claimer = ledger.OpenConnection())
            Assert.That(ledger.Claim(claimer, "node-a/1", Now, Now.AddMinutes(5), 1, Now).Select(r => r.Id), Is.EqualTo(new[] { rows[0] }));

        // Another node's transaction, which never looks for deadlocks first, so the release is the one PostgreSQL ends.
        using var other = Db.Database.Connect();
        other.Execute("SET deadlock_timeout = '60s'");
        using var transaction = other.BeginTransaction();
        other.Execute("UPDATE deliveries SET state = 'failed' WHERE id = @id", new { id = rows[1] }, transaction); // holds "pending"

        var release = Task.Run(() =>
        {
            using var connection = ledger.OpenConnection();
            return ledger.Release(connection, "node-a/1", 0, Now); // takes "sending", then waits for "pending"
        });
        WaitUntilSomeoneWaitsForALock();
        other.Execute("UPDATE deliveries SET state = 'sending' WHERE id = @id", new { id = rows[2] }, transaction); // waits for "sending": a cycle
        transaction.Commit();

        Assert.That(await release, Is.EqualTo(1), "the release ran again after PostgreSQL ended it and gave its row back");
        using var check = Db.Database.Connect();
        Assert.That(check.QuerySingle<string>("SELECT state FROM deliveries WHERE id = @id", new { id = rows[0] }), Is.EqualTo("pending"));
        Assert.That(
            check.Query<(string, long)>("SELECT state, rows FROM delivery_days WHERE rows <> 0 ORDER BY state").ToList(),
            Is.EqualTo(check.Query<(string, long)>("SELECT state, count(*) FROM deliveries GROUP BY state ORDER BY state").ToList()),
            "the day's counters match the rows: the ended attempt left nothing behind");
    }

    private List<long> PendingRows(int count)
    {
        using var connection = Db.Database.Connect();
        return Enumerable.Range(0, count).Select(_ =>
        {
            var reader = connection.ExecuteScalar<long>(
                "INSERT INTO subscribers (email, state, created_at, confirmed_at) VALUES (@email, 'confirmed', @Now, @Now) RETURNING id",
                new { email = $"reader{Guid.NewGuid():N}@example.org", Now });
            return connection.ExecuteScalar<long>(
                """
                INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json)
                VALUES (@reader, 'daily:2026-12-01', 'pending', @Now, @messageId, '[]') RETURNING id
                """,
                new { reader, Now, messageId = DeliveryStore.MessageIdFor(reader, "daily:2026-12-01", "example.org") });
        }).ToList();
    }

    /// <summary>
    /// Polls the server (not the clock) until a session of this database waits for a lock, for at most 30 s; from a
    /// connection of its own, outside any transaction, since a transaction keeps its first view of pg_stat_activity.
    /// </summary>
    private void WaitUntilSomeoneWaitsForALock()
    {
        using var connection = Db.Database.Connect();
        for (var polls = 0; polls < 3_000; polls++)
        {
            var waiting = connection.ExecuteScalar<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
            if (waiting > 0) return;
            Thread.Sleep(10);
        }
        Assert.Fail("the release never waited for the other node's lock");
    }
}
