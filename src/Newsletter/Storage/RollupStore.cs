using Dapper;

namespace Newsletter.Storage;

/// <summary>
/// Keeps the operator's rollups short on PostgreSQL. There every writer appends delta rows to <c>reader_states</c>,
/// <c>reader_days</c>, <c>topic_readers</c> and <c>delivery_days</c> (migration 0026) instead of updating one counter
/// row per key, so that nodes never wait on one another's counter; readers sum a key's rows. A fold replaces each
/// key's rows by one row holding their sum. SQLite keeps one row per key, updated in place (one writer at a time
/// waits on nobody), so there is nothing to fold.
/// </summary>
public sealed class RollupStore(Database database)
{
    /// <summary>
    /// Folds every key that has more than one row (or a zero sum) into one row; returns how many rows were replaced.
    /// Safe beside writers and another fold: each statement deletes only rows its snapshot sees and writes back their
    /// sum, rows appended meanwhile are left for the next fold, and a row another fold took first is skipped.
    /// </summary>
    public int Fold()
    {
        if (!database.IsPostgres) return 0;
        using var connection = database.Connect();
        return Rollups.Sum(rollup => connection.ExecuteScalar<int>(FoldSql(rollup.Table, rollup.Key, rollup.Counts)));
    }

    // Each rollup: its table, the columns that make a key, and the columns that count.
    private static readonly (string Table, string Key, string[] Counts)[] Rollups =
    [
        ("delivery_days", "day, state", ["rows"]),
        ("reader_days", "day", ["signups", "confirmations", "unsubscribes", "suppressions"]),
        ("reader_states", "state", ["readers"]),
        ("topic_readers", "topic", ["readers"]),
    ];

    // One statement a rollup: the rows of a key with several rows (or whose counts all sum to zero) are deleted and
    // their sums written back as one row, unless every sum is zero (an absent key counts as zero).
    private static string FoldSql(string table, string key, string[] counts)
    {
        var columns = string.Join(", ", counts);
        var sums = string.Join(", ", counts.Select(c => $"sum({c})"));
        var allZero = string.Join(" AND ", counts.Select(c => $"sum({c}) = 0"));
        return $"""
            WITH gone AS (
                DELETE FROM {table} WHERE ({key}) IN (
                    SELECT {key} FROM {table} GROUP BY {key} HAVING count(*) > 1 OR ({allZero}))
                RETURNING {key}, {columns}),
            kept AS (
                INSERT INTO {table} ({key}, {columns})
                SELECT {key}, {sums} FROM gone GROUP BY {key} HAVING NOT ({allZero}))
            SELECT count(*) FROM gone
            """;
    }
}
