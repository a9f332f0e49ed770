using Microsoft.Extensions.Options;
using Newsletter.Digests;
using Newsletter.Storage;

namespace Newsletter.Delivery;

/// <summary>
/// Keeps the ledger to <c>Delivery:KeepDays</c>: every hour, deletes finished rows planned longer ago than that, a
/// small batch per transaction so sending is never held up for long, and at most <see cref="MaxBatchesPerRun"/>
/// batches a run (a backlog is worked off over the following hours); then, the same way, the frozen item lists no
/// row points at any more; last, on PostgreSQL, folds the rollups' delta rows (<see cref="RollupStore"/>), whatever
/// the setting. Running it twice deletes nothing more.
/// </summary>
public sealed class LedgerRetentionJob(
    DeliveryStore ledger, RollupStore rollups, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<LedgerRetentionJob> logger)
{
    public const string Id = "ledger-retention";
    public const string Cron = "45 * * * *";

    /// <summary>Rows one transaction deletes.</summary>
    public const int BatchSize = 1000;

    /// <summary>Batches one run deletes at most (a million rows).</summary>
    public const int MaxBatchesPerRun = 1000;

    /// <summary>Deletes what is older than the setting allows; returns how many rows.</summary>
    public int Run()
    {
        var removed = RemoveOld();
        // After the deletions, which append their own deltas: the hour's writes then fold into one row a key.
        rollups.Fold();
        return removed;
    }

    private int RemoveOld()
    {
        var keepDays = options.Value.KeepDays;
        if (keepDays == 0) return 0;
        var before = clock.GetUtcNow().AddDays(-keepDays);
        var removed = 0;
        for (var i = 0; i < MaxBatchesPerRun; i++)
        {
            var batch = ledger.RemoveFinishedBefore(before, BatchSize);
            removed += batch;
            if (batch < BatchSize) break;
        }
        // Then the frozen lists only removed rows pointed at (rows share them): bounded the same way.
        var lists = 0;
        for (var i = 0; i < MaxBatchesPerRun; i++)
        {
            var batch = ledger.RemoveUnusedLists(before, BatchSize);
            lists += batch;
            if (batch < BatchSize) break;
        }
        if (removed > 0 || lists > 0)
            logger.LogInformation("Removed {Rows} ledger rows planned before {Before:yyyy-MM-dd} and {Lists} frozen lists no row uses (Delivery:KeepDays is {KeepDays})",
                removed, before, lists, keepDays);
        return removed;
    }
}
