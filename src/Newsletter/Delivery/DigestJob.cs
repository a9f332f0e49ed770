using System.Diagnostics;
using Newsletter.Digests;

namespace Newsletter.Delivery;

/// <summary>
/// The recurring job: plans every digest due now and sends what the ledger holds. Thin and repeatable: all its work
/// is derived from the database, so a lost or doubled run changes nothing. Each run is recorded for the operator.
/// </summary>
public sealed class DigestJob(DigestPlanner planner, DeliverySender sender, DigestRunStore runs, TimeProvider clock)
{
    public const string Id = "digests";

    public async Task RunAsync(CancellationToken cancellationToken) => await RunAtAsync(clock.GetUtcNow(), cancellationToken);

    /// <summary>Plans and sends as of <paramref name="at"/>; returns (planned, sent).</summary>
    public async Task<(int Planned, int Sent)> RunAtAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        // Durations are the process's own stopwatch: the clock may be a test's, standing still.
        var watch = Stopwatch.StartNew();
        var plan = planner.Run(at);
        var planTime = watch.Elapsed;
        var sent = await sender.SendDueAsync(at, cancellationToken);
        var sendTime = watch.Elapsed - planTime;
        runs.Record(new DigestRun
        {
            StartedAt = at, Readers = plan.Readers, Planned = plan.Planned, Empty = plan.Empty, Sent = sent,
            PlanMs = (long)planTime.TotalMilliseconds, SendMs = (long)sendTime.TotalMilliseconds,
        });
        DigestMetrics.Record(planTime, sendTime);
        return (plan.Planned, sent);
    }
}
