using Dapper;
using Newsletter.Storage;

namespace Newsletter.Digests;

/// <summary>
/// The delivery ledger counted and listed by state, for the <c>deliveries</c> verb (read only: <see cref="DeliveryStore"/>
/// writes the table).
/// </summary>
public sealed class DeliveryCountStore(Database database)
{
    /// <summary>Rows per planning day (UTC) and state, newest day first.</summary>
    public IReadOnlyList<DeliveryDayCount> CountsByDay(int days)
    {
        using var connection = database.Connect();
        // The UTC day of a time: the text's first ten characters on SQLite, utc_day() on PostgreSQL.
        var day = database.Dialect(sqlite: "substr(created_at, 1, 10)", postgres: "utc_day(created_at)");
        return connection.Query<DeliveryDayCount>(
            $"""
            SELECT {day} AS Day, state AS State, COUNT(*) AS Count
            FROM deliveries
            WHERE {day} IN (
                SELECT DISTINCT {day} FROM deliveries ORDER BY 1 DESC LIMIT @days)
            GROUP BY 1, 2
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
