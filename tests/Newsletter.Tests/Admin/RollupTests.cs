using Dapper;
using Microsoft.Data.Sqlite;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Admin;

/// <summary>
/// The rollups of migration 0017 (readers per state, confirmed readers per topic, ledger rows per day and state)
/// equal a recount of their tables after any mix of writes: inserts, state changes, filter changes, deletions
/// with their cascades.
/// </summary>
public class RollupTests
{
    private static readonly string[] ReaderStates = ["pending", "confirmed", "unsubscribed", "suppressed"];
    private static readonly string[] LedgerStates = ["pending", "sending", "sent", "retry", "failed", "unknown"];
    private static readonly string[] Topics = ["a", "b", "c"];

    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [TestCase(1)]
    [TestCase(2)]
    public void Rollups_EqualARecount_AfterRandomWrites(int seed)
    {
        var random = new Random(seed);
        using var connection = LedgerSeed.Migrated(_workspace.DatabasePath).Open();
        long Any(string table) => connection.ExecuteScalar<long?>($"SELECT id FROM {table} ORDER BY random() LIMIT 1") ?? 0;
        string Pick(string[] from) => from[random.Next(from.Length)];
        var day = () => $"2026-11-{random.Next(20, 25)}T10:00:00.000Z";

        for (var i = 0; i < 1000; i++)
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
                    connection.Execute("INSERT OR IGNORE INTO subscriber_filters (subscriber_id, kind, value) VALUES (@id, @kind, @value)",
                        new { id = Any("subscribers"), kind = random.Next(3) == 0 ? "keyword" : "topic", value = Pick(Topics) });
                    break;
                case 5:
                    connection.Execute("DELETE FROM subscriber_filters WHERE subscriber_id = @id AND value = @value", new { id = Any("subscribers"), value = Pick(Topics) });
                    break;
                case 6:
                    connection.Execute(
                        """
                        INSERT OR IGNORE INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json)
                        SELECT id, @period, @state, @at, 'm', '[]' FROM subscribers WHERE id = @id
                        """,
                        new { id = Any("subscribers"), period = $"p{i}", state = Pick(LedgerStates), at = day() });
                    break;
                default:
                    connection.Execute(random.Next(5) == 0 ? "DELETE FROM deliveries WHERE id = @id" : "UPDATE deliveries SET state = @state WHERE id = @id",
                        new { state = Pick(LedgerStates), id = Any("deliveries") });
                    break;
            }
        }

        Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM subscribers"), Is.GreaterThan(100), "the mix kept readers");
        Assert.That(Rollup(connection, "SELECT state, readers FROM reader_states"),
            Is.EquivalentTo(Rollup(connection, "SELECT state, count(*) FROM subscribers GROUP BY state")));
        Assert.That(Rollup(connection, "SELECT topic, readers FROM topic_readers"),
            Is.EquivalentTo(Rollup(connection,
                """
                SELECT f.value, count(*) FROM subscriber_filters f JOIN subscribers s ON s.id = f.subscriber_id
                WHERE f.kind = 'topic' AND s.state = 'confirmed' GROUP BY f.value
                """)));
        Assert.That(Rollup(connection, "SELECT day || ' ' || state, rows FROM delivery_days"),
            Is.EquivalentTo(Rollup(connection, "SELECT substr(created_at, 1, 10) || ' ' || state, count(*) FROM deliveries GROUP BY 1")));
    }

    // Zero rows are the rollups' leftovers of counts that went back to nothing: a recount has no such row.
    private static Dictionary<string, long> Rollup(SqliteConnection connection, string sql) =>
        connection.Query<(string Key, long Count)>(sql).Where(r => r.Count != 0).ToDictionary(r => r.Key, r => r.Count);
}
