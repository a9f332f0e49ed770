using Dapper;
using Newsletter.Storage;

namespace Newsletter.Listings;

/// <summary>The <c>source_runs</c> table: each configured source's last ingest run, for the operator's overview.</summary>
public sealed class SourceRunStore(Database database)
{
    /// <summary>Records a source's run at <paramref name="at"/>, replacing its previous one.</summary>
    public void Record(SourceRunResult run, DateTimeOffset at)
    {
        using var connection = database.Open();
        connection.Execute(
            """
            INSERT INTO source_runs (source, ran_at, new, duplicate, rejected, days_read, failure, last_ok_at)
            VALUES (@Source, @at, @New, @Duplicate, @Rejected, @DaysRead, @Failure, CASE WHEN @DaysRead > 0 THEN @at END)
            ON CONFLICT (source) DO UPDATE SET
                ran_at = excluded.ran_at, new = excluded.new, duplicate = excluded.duplicate, rejected = excluded.rejected,
                days_read = excluded.days_read, failure = excluded.failure,
                last_ok_at = coalesce(excluded.last_ok_at, source_runs.last_ok_at)
            """,
            new { run.Source, at, run.New, run.Duplicate, run.Rejected, run.DaysRead, run.Failure });
    }

    /// <summary>Every source's last run, by name.</summary>
    public IReadOnlyList<SourceRun> All()
    {
        using var connection = database.Open();
        return connection.Query<SourceRun>(
            """
            SELECT source AS Source, ran_at AS RanAt, new AS New, duplicate AS Duplicate, rejected AS Rejected,
                   days_read AS DaysRead, failure AS Failure, last_ok_at AS LastOkAt
            FROM source_runs ORDER BY source
            """).AsList();
    }
}
