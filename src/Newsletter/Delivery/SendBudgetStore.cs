using Dapper;
using Newsletter.Storage;

namespace Newsletter.Delivery;

/// <summary>
/// The sends granted per UTC hour under <c>Delivery:MessagesPerHour</c>, counted in the database (table
/// <c>send_budget</c>) so that every node sending through one relay shares its one limit.
/// </summary>
public sealed class SendBudgetStore(Database database)
{
    /// <summary>
    /// Asks for <paramref name="wanted"/> sends in the hour starting at <paramref name="hour"/> and returns how many of
    /// them fit under <paramref name="limit"/> (0 when the hour's budget is spent). Never grants more than the limit
    /// in one hour, whatever number of nodes ask at once.
    /// </summary>
    public int Take(DateTimeOffset hour, int wanted, int limit)
    {
        using var connection = database.Connect();
        // One atomic statement, no lock held between round trips: the row counts every send asked for in the hour,
        // so each caller owns the range (total - wanted, total] of it and is granted the part of that range up to
        // the limit. Two callers' ranges never overlap, as their increments are serialised on the row.
        var total = connection.ExecuteScalar<long>(
            """
            INSERT INTO send_budget (hour, asked) VALUES (@hour, @wanted)
            ON CONFLICT (hour) DO UPDATE SET asked = send_budget.asked + excluded.asked
            RETURNING asked
            """,
            new { hour, wanted });
        return (int)Math.Clamp(limit - (total - wanted), 0, wanted);
    }

    /// <summary>Deletes the counts of hours before <paramref name="before"/>: nothing reads a past hour.</summary>
    public int Forget(DateTimeOffset before)
    {
        using var connection = database.Connect();
        return connection.Execute("DELETE FROM send_budget WHERE hour < @before", new { before });
    }
}
