using Newsletter.Digests;

namespace Newsletter.Delivery;

/// <summary>
/// The recurring job: plans every digest due now and sends what the ledger holds. Thin and repeatable: all its work
/// is derived from the database, so a lost or doubled run changes nothing.
/// </summary>
public sealed class DigestJob(DigestPlanner planner, DeliverySender sender, TimeProvider clock)
{
    public const string Id = "digests";

    public async Task RunAsync(CancellationToken cancellationToken) => await RunAtAsync(clock.GetUtcNow(), cancellationToken);

    /// <summary>Plans and sends as of <paramref name="at"/>; returns (planned, sent).</summary>
    public async Task<(int Planned, int Sent)> RunAtAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var planned = planner.PlanDue(at);
        var sent = await sender.SendDueAsync(at, cancellationToken);
        return (planned, sent);
    }
}
