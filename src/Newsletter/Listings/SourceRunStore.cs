using Dapper;
using Newsletter.Storage;

namespace Newsletter.Listings;

/// <summary>The <c>source_runs</c> table: each configured source's last ingest run, for the operator's overview.</summary>
public sealed class SourceRunStore(Database database)
{
    /// <summary>Records a source's run at <paramref name="at"/>, replacing its previous one and adding to its totals.</summary>
    public void Record(SourceRunResult run, DateTimeOffset at)
    {
        using var connection = database.Connect();
        connection.Execute(
            """
            INSERT INTO source_runs (source, ran_at, new, duplicate, rejected, days_read, failure, last_ok_at,
                                     new_total, duplicate_total, rejected_total)
            VALUES (@Source, @at, @New, @Duplicate, @Rejected, @DaysRead, @Failure, CASE WHEN @DaysRead > 0 THEN @at END,
                    @New, @Duplicate, @Rejected)
            ON CONFLICT (source) DO UPDATE SET
                ran_at = excluded.ran_at, new = excluded.new, duplicate = excluded.duplicate, rejected = excluded.rejected,
                days_read = excluded.days_read, failure = excluded.failure,
                last_ok_at = coalesce(excluded.last_ok_at, source_runs.last_ok_at),
                new_total = source_runs.new_total + excluded.new,
                duplicate_total = source_runs.duplicate_total + excluded.duplicate,
                rejected_total = source_runs.rejected_total + excluded.rejected
            """,
            new { run.Source, at, run.New, run.Duplicate, run.Rejected, run.DaysRead, run.Failure });
    }

    /// <summary>Every source's last run, by name.</summary>
    public IReadOnlyList<SourceRun> All()
    {
        using var connection = database.Connect();
        return connection.Query<SourceRun>(
            """
            SELECT source AS Source, ran_at AS RanAt, new AS New, duplicate AS Duplicate, rejected AS Rejected,
                   days_read AS DaysRead, failure AS Failure, last_ok_at AS LastOkAt,
                   new_total AS NewTotal, duplicate_total AS DuplicateTotal, rejected_total AS RejectedTotal
            FROM source_runs ORDER BY source
            """).AsList();
    }
}
