using Dapper;
using Newsletter.Storage;

namespace Newsletter.Digests;

/// <summary>The <c>digest_runs</c> table: what each digest run (job or <c>send-due</c>) did, the newest kept.</summary>
public sealed class DigestRunStore(Database database)
{
    /// <summary>Runs kept; older ones are removed as new ones are recorded.</summary>
    public const int Kept = 1000;

    /// <summary>Records a run and drops the ones older than the newest <see cref="Kept"/>.</summary>
    public void Record(DigestRun run)
    {
        using var connection = database.Connect();
        using var transaction = connection.BeginTransaction();
        var id = connection.ExecuteScalar<long>(
            """
            INSERT INTO digest_runs (started_at, readers, planned, empty, sent, plan_ms, send_ms)
            VALUES (@StartedAt, @Readers, @Planned, @Empty, @Sent, @PlanMs, @SendMs)
            RETURNING id
            """,
            run, transaction);
        connection.Execute("DELETE FROM digest_runs WHERE id <= @oldest", new { oldest = id - Kept }, transaction);
        transaction.Commit();
    }

    /// <summary>The newest run, or null before the first.</summary>
    public DigestRun? Last()
    {
        using var connection = database.Connect();
        return connection.QueryFirstOrDefault<DigestRun>(
            """
            SELECT started_at AS StartedAt, readers AS Readers, planned AS Planned, empty AS Empty, sent AS Sent,
                   plan_ms AS PlanMs, send_ms AS SendMs
            FROM digest_runs ORDER BY id DESC LIMIT 1
            """);
    }
}
