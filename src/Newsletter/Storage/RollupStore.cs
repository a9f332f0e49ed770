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
        var folded = connection.ExecuteScalar<int>(
            """
            WITH gone AS (
                DELETE FROM delivery_days WHERE (day, state) IN (
                    SELECT day, state FROM delivery_days GROUP BY day, state HAVING count(*) > 1 OR sum(rows) = 0)
                RETURNING day, state, rows),
            kept AS (
                INSERT INTO delivery_days (day, state, rows)
                SELECT day, state, sum(rows) FROM gone GROUP BY day, state HAVING sum(rows) <> 0)
            SELECT count(*) FROM gone
            """);
        folded += connection.ExecuteScalar<int>(
            """
            WITH gone AS (
                DELETE FROM reader_days WHERE day IN (SELECT day FROM reader_days GROUP BY day HAVING count(*) > 1)
                RETURNING day, signups, confirmations, unsubscribes, suppressions),
            kept AS (
                INSERT INTO reader_days (day, signups, confirmations, unsubscribes, suppressions)
                SELECT day, sum(signups), sum(confirmations), sum(unsubscribes), sum(suppressions) FROM gone GROUP BY day)
            SELECT count(*) FROM gone
            """);
        folded += connection.ExecuteScalar<int>(
            """
            WITH gone AS (
                DELETE FROM reader_states WHERE state IN (
                    SELECT state FROM reader_states GROUP BY state HAVING count(*) > 1 OR sum(readers) = 0)
                RETURNING state, readers),
            kept AS (
                INSERT INTO reader_states (state, readers)
                SELECT state, sum(readers) FROM gone GROUP BY state HAVING sum(readers) <> 0)
            SELECT count(*) FROM gone
            """);
        folded += connection.ExecuteScalar<int>(
            """
            WITH gone AS (
                DELETE FROM topic_readers WHERE topic IN (
                    SELECT topic FROM topic_readers GROUP BY topic HAVING count(*) > 1 OR sum(readers) = 0)
                RETURNING topic, readers),
            kept AS (
                INSERT INTO topic_readers (topic, readers)
                SELECT topic, sum(readers) FROM gone GROUP BY topic HAVING sum(readers) <> 0)
            SELECT count(*) FROM gone
            """);
        return folded;
    }
}
