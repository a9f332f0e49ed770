namespace Newsletter.Digests;

/// <summary>One ledger row: a reader's digest for one period, with its frozen content and its fate.</summary>
public sealed record DeliveryRow
{
    public long Id { get; init; }
    public long SubscriberId { get; init; }
    public string PeriodKey { get; init; } = "";
    public string State { get; init; } = DeliveryStates.Pending;
    public int Attempts { get; init; }
    public string MessageId { get; init; } = "";
    public DateTimeOffset? WindowFrom { get; init; }
    public DateTimeOffset? WindowTo { get; init; }
    public string ItemsJson { get; init; } = "[]";
    public DateTimeOffset CreatedAt { get; init; }
    public string? LastError { get; init; }
    public string? ServerReply { get; init; }
    public DateTimeOffset? SentAt { get; init; }
}
