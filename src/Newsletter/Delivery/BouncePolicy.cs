using Microsoft.Extensions.Options;
using Newsletter.Digests;
using Newsletter.Subscriptions;

namespace Newsletter.Delivery;

/// <summary>
/// Records a bounce event and applies the policy to its reader: a complaint unsubscribes at once; hard bounces
/// suppress at <c>Delivery:HardBounceLimit</c> since the reader last confirmed; soft bounces suppress when
/// <c>Bounces:SoftLimit</c> of their last five digests soft-bounced. Blocked, notices, auto-replies and events that
/// do not prove they are about our mail (<see cref="BounceMatches.Proves"/>) change nothing.
/// </summary>
/// <remarks>
/// The policy is applied even to a repeat of a recorded event: if the process stopped between recording and
/// applying, reading the report again finishes the job, and for a reader already stopped it changes nothing.
/// </remarks>
public sealed class BouncePolicy(
    BounceStore bounces, SubscriberStore subscribers, DeliveryStore ledger, IOptions<DeliveryOptions> delivery, IOptions<BouncePolicyOptions> options,
    TimeProvider clock, ILogger<BouncePolicy> logger)
{
    public const string Suppressed = "suppressed";
    public const string Unsubscribed = "unsubscribed";

    /// <summary>Records the event (once per dedupe key) and applies the policy to its reader.</summary>
    public BounceOutcome Record(BounceEvent e)
    {
        var recorded = bounces.Record(e);
        var change = e.SubscriberId is { } id && BounceMatches.Proves(e.MatchedBy) ? Apply(id, e) : null;
        if (change is not null)
            logger.LogWarning("Subscriber {Id} {Change} after a {Kind} ({Source}): {Diagnostic}", e.SubscriberId, change, e.Kind, e.Source, e.Diagnostic);
        return new BounceOutcome(e, recorded, change);
    }

    private string? Apply(long subscriberId, BounceEvent e)
    {
        switch (e.Kind)
        {
            case BounceKinds.Complaint:
                var stopped = subscribers.Unsubscribe(subscriberId, Reason("marked a digest as spam", e), clock.GetUtcNow());
                // Someone who called our mail spam gets nothing more, not even a digest already planned (also when a
                // repeat of the report finishes what a crash interrupted).
                ledger.EndUnsent(subscriberId, "not sent: the reader marked a digest as spam", clock.GetUtcNow());
                return stopped ? Unsubscribed : null;
            case BounceKinds.Hard:
                var hardLimit = delivery.Value.HardBounceLimit;
                return hardLimit > 0 && bounces.HardSinceConfirmed(subscriberId) >= hardLimit
                       && subscribers.Suppress(subscriberId, Reason($"{hardLimit} permanent bounce(s)", e), clock.GetUtcNow())
                    ? Suppressed : null;
            case BounceKinds.Soft:
                var softLimit = options.Value.SoftLimit;
                return softLimit > 0 && bounces.SoftOfLastDigests(subscriberId, BouncePolicyOptions.SoftWindow) >= softLimit
                       && subscribers.Suppress(subscriberId, Reason($"{softLimit} of the last {BouncePolicyOptions.SoftWindow} digests soft-bounced", e), clock.GetUtcNow())
                    ? Suppressed : null;
            default:
                return null;
        }
    }

    private static string Reason(string what, BounceEvent e)
    {
        var detail = string.Join(" ", new[] { e.Status, e.Diagnostic }.Where(t => !string.IsNullOrWhiteSpace(t)));
        var reason = $"{what} ({e.Source}{(detail.Length > 0 ? ": " + detail : "")})";
        return reason.Length <= 300 ? reason : reason[..300];
    }
}
