namespace Newsletter.Delivery;

/// <summary>
/// One bounce or complaint as recorded: what it is (<see cref="BounceKinds"/>), whom and which digest it is about
/// (when known), where it came from and how it was matched. <see cref="DedupeKey"/> makes a report read twice one row.
/// </summary>
public sealed record BounceEvent
{
    public long Id { get; init; }
    public long? SubscriberId { get; init; }
    public long? DeliveryId { get; init; }
    public string Kind { get; init; } = BounceKinds.Hard;
    public string? Status { get; init; }
    public string? Diagnostic { get; init; }
    public string? Recipient { get; init; }
    public string? RemoteMta { get; init; }
    /// <summary><c>smtp</c>, <c>mailbox</c>, <c>pipe</c> or <c>webhook:&lt;provider&gt;</c>.</summary>
    public string Source { get; init; } = BounceSources.Smtp;
    /// <summary>How it was tied to a reader: <see cref="BounceMatches"/>.</summary>
    public string MatchedBy { get; init; } = BounceMatches.None;
    public string DedupeKey { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    /// <summary>The reader's address (filled in by listings, not stored here).</summary>
    public string? Email { get; init; }
}
