using Microsoft.Extensions.Options;

namespace Newsletter.Subscriptions;

/// <summary>
/// The recurring job that forgets addresses nobody confirmed: someone typed them, perhaps not their owner, so they
/// are kept only while a confirmation link may still be used, plus <c>Subscriptions:UnconfirmedRetentionDays</c>.
/// Repeatable: a second run finds nothing left to delete.
/// </summary>
public sealed class UnconfirmedCleanupJob(
    SubscriberStore subscribers, IOptions<SubscriptionOptions> options, TimeProvider clock, ILogger<UnconfirmedCleanupJob> logger)
{
    public const string Id = "forget-unconfirmed";

    /// <summary>Runs every hour at minute 17; what it deletes depends only on the clock and the database.</summary>
    public const string Cron = "17 * * * *";

    /// <summary>Deletes what is due; returns how many readers were deleted.</summary>
    public int Run()
    {
        var o = options.Value;
        if (o.UnconfirmedRetentionDays == 0) return 0;
        var before = clock.GetUtcNow() - o.ConfirmationLifetime - TimeSpan.FromDays(o.UnconfirmedRetentionDays);
        var deleted = subscribers.DeleteUnconfirmed(before);
        if (deleted > 0) logger.LogInformation("Forgot {Count} addresses that were never confirmed", deleted);
        return deleted;
    }
}
