namespace Newsletter.Delivery;

/// <summary>What recording one bounce event did: whether it was new, and what changed for the reader.</summary>
/// <param name="Recorded">False when the same report had been recorded before (it counted then).</param>
/// <param name="Change">
/// <c>suppressed</c>, <c>unsubscribed</c>, or null when the reader's state did not change.
/// </param>
public sealed record BounceOutcome(BounceEvent Event, bool Recorded, string? Change)
{
    /// <summary>True when the reader will get no more email because of this event.</summary>
    public bool Stopped => Change is not null;
}
