using Dapper;
using Newsletter.Digests;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>
/// Two nodes moving ledger rows in opposite directions at once on PostgreSQL (one gives sending → pending back while
/// another takes pending → sending) used to lock the day's state counters in opposite orders and meet in a deadlock
/// (migration 0017's row trigger). Since migration 0026 the counters are appended, never updated, so neither node
/// waits on the other's counter at all: the cycle cannot arise. What is left (rows of the ledger itself locked in
/// differing orders) the stores run again through <see cref="TransientRetry"/>.
/// </summary>
[TestFixture(StorageProviders.Postgres)]
public class LedgerDeadlockTests(string provider) : OnBothProviders(provider)
{
    [Test]
    public void ClaimAndRelease_DoNotWaitForAnotherNodesOpenTransaction_ThatMovesRowsBetweenTheSameStates()
    {
        var ledger = new DeliveryStore(Db.Database);
        var rows = PendingRows(5);
        using var node = ledger.OpenConnection();
        Assert.That(ledger.Claim(node, "node-a/1", Now, Now.AddMinutes(5), 2, Now).Select(r => r.Id), Is.EqualTo(rows[..2]));
        // A wait on any lock now fails the statement instead of hanging the test (and is not retried).
        node.Execute("SET lock_timeout = '10s'");

        // Another node's transaction moves rows of the same day into and out of both states and stays open, holding
        // whatever it locked: under 0017 the "pending" and "sending" counter rows of the day.
        using var other = Db.OpenSecondNode();
        using var otherConnection = other.Connect();
        using var transaction = otherConnection.BeginTransaction();
        otherConnection.Execute("UPDATE deliveries SET state = 'failed' WHERE id = @id", new { id = rows[2] }, transaction);
        otherConnection.Execute("UPDATE deliveries SET state = 'sending' WHERE id = @id", new { id = rows[3] }, transaction);
        otherConnection.Execute("UPDATE deliveries SET state = 'pending', lease_owner = NULL WHERE id = @id", new { id = rows[3] }, transaction);

        Assert.That(ledger.Release(node, "node-a/1", 0, Now), Is.EqualTo(2), "sending → pending, with the other transaction open");
        Assert.That(ledger.Claim(node, "node-a/2", Now, Now.AddMinutes(5), 5, Now).Select(r => r.Id), Is.EqualTo(new[] { rows[0], rows[1], rows[4] }),
            "pending → sending: the rows the other transaction holds are skipped, its counters are not waited for");
        ledger.MarkSent(node, [new SentMessage(rows[0], "250 ok", Now)]);
        transaction.Commit();

        using var check = Db.Database.Connect();
        Assert.That(
            check.Query<(string, long)>("SELECT state, CAST(sum(rows) AS bigint) FROM delivery_days GROUP BY state HAVING sum(rows) <> 0 ORDER BY state").ToList(),
            Is.EqualTo(check.Query<(string, long)>("SELECT state, count(*) FROM deliveries GROUP BY state ORDER BY state").ToList()),
            "the day's counters match the rows both nodes moved");
    }

    /// <summary>
    /// What can still meet in a deadlock: two nodes' statements on the same ledger rows, locking them in differing
    /// orders. Here another node deletes failed rows (as retention's batch does) from the last while the operator's
    /// resend takes them from the first; PostgreSQL ends the resend, which runs again once the other has committed.
    /// </summary>
    [Test]
    public async Task Resend_EndedAsADeadlockVictim_RunsAgain_AndResendsWhatIsLeft()
    {
        var ledger = new DeliveryStore(Db.Database);
        var rows = PendingRows(3);
        using (var connection = Db.Database.Connect())
            connection.Execute("UPDATE deliveries SET state = 'failed', updated_at = @Now", new { Now });

        using var other = Db.OpenSecondNode();
        using var otherConnection = other.Connect();
        // The other node never looks for deadlocks first, so the resend is the one PostgreSQL ends.
        otherConnection.Execute("SET deadlock_timeout = '60s'");
        using var transaction = otherConnection.BeginTransaction();
        otherConnection.Execute("DELETE FROM deliveries WHERE id = @id", new { id = rows[2] }, transaction);

        var resend = Task.Run(() => ledger.Resend(DeliveryStates.Failed, null, Now)); // locks rows[0], then waits for rows[2]
        WaitUntilSomeoneWaitsForALock();
        otherConnection.Execute("DELETE FROM deliveries WHERE id = @id", new { id = rows[0] }, transaction); // waits for rows[0]: a cycle
        transaction.Commit();

        Assert.That(await resend, Is.EqualTo((1, 0)), "the resend ran again after PostgreSQL ended it and resent the one row left");
        using var check = Db.Database.Connect();
        Assert.That(check.QuerySingle<string>("SELECT state FROM deliveries WHERE id = @id", new { id = rows[1] }), Is.EqualTo("pending"));
        Assert.That(
            check.Query<(string, long)>("SELECT state, CAST(sum(rows) AS bigint) FROM delivery_days GROUP BY state HAVING sum(rows) <> 0").ToList(),
            Is.EqualTo(new[] { ("pending", 1L) }), "the ended attempt left nothing behind in the counters");
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
        Assert.Fail("the resend never waited for the other node's lock");
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
                new { reader, Now, messageId = LedgerMessageId.For(reader, "daily:2026-12-01", "example.org") });
        }).ToList();
    }
}
