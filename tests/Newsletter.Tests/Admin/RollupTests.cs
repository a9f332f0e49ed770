using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Admin;

/// <summary>
/// The rollups of migrations 0017 and 0026 (readers per state and per day, confirmed readers per topic, ledger rows
/// per day and state) equal a recount of their tables after any mix of writes (inserts, state changes, filter
/// changes, deletions with their cascades), after nodes write at once, and after a fold, on both providers.
/// </summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class RollupTests(string provider) : OnBothProviders(provider)
{
    private static readonly string[] ReaderStates = ["pending", "confirmed", "unsubscribed", "suppressed"];
    private static readonly string[] LedgerStates = ["pending", "sending", "sent", "retry", "failed", "unknown"];
    private static readonly string[] Topics = ["a", "b", "c"];

    [TestCase(1)]
    [TestCase(2)]
    public void Rollups_EqualARecount_AfterRandomWrites_AndAfterAFold(int seed)
    {
        var random = new Random(seed);
        using var connection = Db.Database.Connect();
        long Any(string table) => connection.ExecuteScalar<long?>($"SELECT id FROM {table} ORDER BY random() LIMIT 1") ?? 0;
        string Pick(string[] from) => from[random.Next(from.Length)];
        var day = () => new DateTimeOffset(2026, 11, random.Next(20, 25), 10, 0, 0, TimeSpan.Zero);

        for (var i = 0; i < 600; i++)
        {
            switch (random.Next(8))
            {
                case 0 or 1:
                    connection.Execute("INSERT INTO subscribers (email, state, created_at) VALUES (@email, @state, @at)",
                        new { email = $"r{i}@example.org", state = Pick(ReaderStates), at = day() });
                    break;
                case 2:
                    connection.Execute("UPDATE subscribers SET state = @state WHERE id = @id", new { state = Pick(ReaderStates), id = Any("subscribers") });
                    break;
                case 3:
                    if (random.Next(4) == 0) connection.Execute("DELETE FROM subscribers WHERE id = @id", new { id = Any("subscribers") });
                    break;
                case 4:
                    connection.Execute(
                        """
                        INSERT INTO subscriber_filters (subscriber_id, kind, value) SELECT id, @kind, @value FROM subscribers WHERE id = @id
                        ON CONFLICT DO NOTHING
                        """,
                        new { id = Any("subscribers"), kind = random.Next(3) == 0 ? "keyword" : "topic", value = Pick(Topics) });
                    break;
                case 5:
                    connection.Execute("DELETE FROM subscriber_filters WHERE subscriber_id = @id AND value = @value", new { id = Any("subscribers"), value = Pick(Topics) });
                    break;
                case 6:
                    connection.Execute(
                        """
                        INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json)
                        SELECT id, @period, @state, @at, 'm', '[]' FROM subscribers WHERE id = @id
                        ON CONFLICT DO NOTHING
                        """,
                        new { id = Any("subscribers"), period = $"p{i}", state = Pick(LedgerStates), at = day() });
                    break;
                default:
                    connection.Execute(random.Next(5) == 0 ? "DELETE FROM deliveries WHERE id = @id" : "UPDATE deliveries SET state = @state WHERE id = @id",
                        new { state = Pick(LedgerStates), id = Any("deliveries") });
                    break;
            }
        }
        // Statements of many rows at once (a planning page, a claim, a retention batch) count each row too.
        connection.Execute("UPDATE deliveries SET state = 'sending' WHERE state IN ('pending', 'retry')");
        connection.Execute("UPDATE deliveries SET state = CASE WHEN id % 3 = 0 THEN 'sent' ELSE 'pending' END WHERE state = 'sending'");
        connection.Execute("DELETE FROM deliveries WHERE state = 'failed'");

        Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM subscribers"), Is.GreaterThan(50), "the mix kept readers");
        Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM deliveries"), Is.GreaterThan(20), "and ledger rows");
        AssertRollupsEqualARecount(connection);

        var folded = new RollupStore(Db.Database).Fold();

        AssertRollupsEqualARecount(connection);
        if (Db.Database.IsPostgres)
        {
            Assert.That(folded, Is.GreaterThan(0), "the writes appended deltas to fold");
            AssertOneRowAKey(connection);
            Assert.That(new RollupStore(Db.Database).Fold(), Is.Zero, "a second fold has nothing to do");
        }
    }

    /// <summary>The hourly retention job folds the rollups after its deletions, even when it keeps every row.</summary>
    [Test]
    public void RetentionJob_FoldsTheRollups()
    {
        using var connection = Db.Database.Connect();
        for (var i = 0; i < 6; i++)
        {
            var reader = connection.ExecuteScalar<long>(
                "INSERT INTO subscribers (email, state, created_at) VALUES (@email, 'pending', @Now) RETURNING id", new { email = $"r{i}@example.org", Now });
            connection.Execute("INSERT INTO subscriber_filters (subscriber_id, kind, value) VALUES (@reader, 'topic', 'a')", new { reader });
            connection.Execute("UPDATE subscribers SET state = 'confirmed', confirmed_at = @Now WHERE id = @reader", new { reader, Now });
            connection.Execute(
                "INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json) VALUES (@reader, 'daily:2026-12-01', 'pending', @Now, @messageId, '[]')",
                new { reader, Now, messageId = $"m{reader}" });
            connection.Execute("UPDATE deliveries SET state = 'sent' WHERE subscriber_id = @reader", new { reader });
        }
        var job = new LedgerRetentionJob(new DeliveryStore(Db.Database), new RollupStore(Db.Database),
            Options.Create(new DeliveryOptions { KeepDays = 0 }), new FakeTimeProvider(Now), NullLogger<LedgerRetentionJob>.Instance);

        Assert.That(job.Run(), Is.Zero, "KeepDays 0 deletes nothing");

        AssertOneRowAKey(connection);
        AssertRollupsEqualARecount(connection);
    }

    // After a fold (PostgreSQL) or always (SQLite, which updates one row a key in place).
    private static void AssertOneRowAKey(DbConnection connection)
    {
        foreach (var (table, key) in new[] { ("delivery_days", "day, state"), ("reader_days", "day"), ("reader_states", "state"), ("topic_readers", "topic") })
            Assert.That(connection.ExecuteScalar<long>($"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY {key} HAVING count(*) > 1) AS k"),
                Is.Zero, $"one row a key in {table}");
    }

    /// <summary>
    /// Three nodes claim, record and give back ledger rows and sign readers up and confirm them, each on its own
    /// connection, all at once: no update of a counter is lost, and on PostgreSQL no transaction was ended to get there.
    /// </summary>
    [Test]
    public async Task Rollups_EqualARecount_AfterNodesWriteAtOnce()
    {
        var ledger = new DeliveryStore(Db.Database);
        using (var connection = Db.Database.Connect())
        {
            for (var reader = 0; reader < 60; reader++)
            {
                var id = connection.ExecuteScalar<long>(
                    "INSERT INTO subscribers (email, state, created_at, confirmed_at) VALUES (@email, 'confirmed', @Now, @Now) RETURNING id",
                    new { email = $"reader{reader}@example.org", Now });
                connection.Execute(
                    "INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json) VALUES (@id, 'daily:2026-12-01', 'pending', @Now, @messageId, '[]')",
                    new { id, Now, messageId = $"m{id}" });
            }
        }

        var nodes = Enumerable.Range(0, 3).Select(node => Task.Run(() =>
        {
            using var second = Db.OpenSecondNode();
            var nodeLedger = new DeliveryStore(second);
            using var connection = nodeLedger.OpenConnection();
            for (var round = 0; round < 15; round++)
            {
                var owner = $"node-{node}/{round}";
                var claimed = nodeLedger.Claim(connection, owner, Now, Now.AddMinutes(5), 4, Now);
                if (claimed.Count > 0)
                    nodeLedger.MarkSent(connection, [new SentMessage(claimed[0].Id, "250 ok", Now)]);
                nodeLedger.Release(connection, owner, claimed.Count > 0 ? claimed[0].Id : 0, Now);
                var reader = connection.ExecuteScalar<long>(
                    "INSERT INTO subscribers (email, state, created_at) VALUES (@email, 'pending', @Now) RETURNING id",
                    new { email = $"new{node}-{round}@example.org", Now });
                connection.Execute("INSERT INTO subscriber_filters (subscriber_id, kind, value) VALUES (@reader, 'topic', 'a')", new { reader });
                connection.Execute("UPDATE subscribers SET state = 'confirmed', confirmed_at = @Now WHERE id = @reader", new { reader, Now });
            }
        })).ToArray();
        await Task.WhenAll(nodes);

        using var check = Db.Database.Connect();
        Assert.That(check.ExecuteScalar<long>("SELECT count(*) FROM deliveries WHERE state = 'sent'"), Is.GreaterThan(0), "the nodes sent");
        Assert.That(ledger.RecoverAbandoned(Now.AddHours(1)), Is.Zero, "every claim was recorded or given back");
        AssertRollupsEqualARecount(check);
    }

    private static void AssertRollupsEqualARecount(DbConnection connection)
    {
        Assert.That(Rollup(connection, "SELECT state, CAST(sum(readers) AS bigint) FROM reader_states GROUP BY state"),
            Is.EquivalentTo(Rollup(connection, "SELECT state, count(*) FROM subscribers GROUP BY state")));
        Assert.That(Rollup(connection, "SELECT topic, CAST(sum(readers) AS bigint) FROM topic_readers GROUP BY topic"),
            Is.EquivalentTo(Rollup(connection,
                """
                SELECT f.value, count(*) FROM subscriber_filters f JOIN subscribers s ON s.id = f.subscriber_id
                WHERE f.kind = 'topic' AND s.state = 'confirmed' GROUP BY f.value
                """)));
        Assert.That(Rollup(connection, "SELECT day || ' ' || state, CAST(sum(rows) AS bigint) FROM delivery_days GROUP BY day, state"),
            Is.EquivalentTo(connection.Query<(DateTimeOffset CreatedAt, string State)>("SELECT created_at, state FROM deliveries")
                .GroupBy(r => $"{r.CreatedAt.UtcDateTime:yyyy-MM-dd} {r.State}").ToDictionary(g => g.Key, g => (long)g.Count())));
        Assert.That(Rollup(connection, "SELECT day, CAST(sum(signups) AS bigint) FROM reader_days GROUP BY day").Values.Sum(),
            Is.GreaterThanOrEqualTo(connection.ExecuteScalar<long>("SELECT count(*) FROM subscribers")), "every reader kept was counted as a sign-up");
    }

    // Zero rows are the rollups' leftovers of counts that went back to nothing: a recount has no such row.
    private static Dictionary<string, long> Rollup(DbConnection connection, string sql) =>
        connection.Query<(string Key, long Count)>(sql).Where(r => r.Count != 0).ToDictionary(r => r.Key, r => r.Count);
}
