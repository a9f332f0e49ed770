using Newsletter.Delivery;

namespace Newsletter.Bounces;

/// <summary>Whom a report is about: the reader and ledger row when known, and how that was found (<see cref="BounceMatches"/>).</summary>
public sealed record BounceMatch(long? SubscriberId, long? DeliveryId, string MatchedBy)
{
    public static readonly BounceMatch None = new(null, null, BounceMatches.None);
}
