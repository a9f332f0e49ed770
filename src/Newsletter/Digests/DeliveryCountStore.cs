using Dapper;
using Newsletter.Storage;

namespace Newsletter.Digests;

/// <summary>
/// The delivery ledger counted and listed by state, for the <c>deliveries</c> verb (read only: <see cref="DeliveryStore"/>
/// writes the table, its triggers the daily counts).
/// </summary>
public sealed class DeliveryCountStore(Database database)
{
    /// <summary>
    /// Rows per planning day (UTC) and state, newest day first, for the last <paramref name="days"/> days that have
    /// rows: read from the <c>delivery_days</c> rollup (migration 0017), so the cost does not grow with the ledger.
    /// </summary>
    public IReadOnlyList<DeliveryDayCount> CountsByDay(int days)
    {
        using var connection = database.Connect();
        return connection.Query<DeliveryDayCount>(
            """
            SELECT day AS Day, state AS State, CAST(sum(rows) AS bigint) AS Count
            FROM delivery_days
            WHERE day IN (SELECT day FROM delivery_days GROUP BY day HAVING sum(rows) <> 0 ORDER BY day DESC LIMIT @days)
            GROUP BY day, state HAVING sum(rows) <> 0
            ORDER BY 1 DESC, 2
            """,
            new { days }).ToList();
    }

    /// <summary>Rows in <paramref name="state"/>, newest first, with the reader's address.</summary>
    public IReadOnlyList<DeliveryListing> InState(string state, int limit)
    {
        using var connection = database.Connect();
        return connection.Query<DeliveryListing>(
            """
            SELECT d.id AS Id, s.email AS Email, d.period_key AS PeriodKey, d.attempts AS Attempts,
                   COALESCE(d.updated_at, d.created_at) AS UpdatedAt, d.last_error AS LastError
            FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id
            WHERE d.state = @state
            ORDER BY d.id DESC
            LIMIT @limit
            """,
            new { state, limit }).ToList();
    }

    /// <summary>How many rows are in <paramref name="state"/>.</summary>
    public int CountInState(string state)
    {
        using var connection = database.Connect();
        return connection.ExecuteScalar<int>("SELECT COUNT(*) FROM deliveries WHERE state = @state", new { state });
    }
}
