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

/// <summary>The states of a ledger row.</summary>
public static class DeliveryStates
{
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Retry = "retry";
    public const string Failed = "failed";
    public const string Unknown = "unknown";
}
