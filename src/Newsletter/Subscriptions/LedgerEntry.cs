namespace Newsletter.Subscriptions;

/// <summary>What a reader's data export says about one of their digests in the delivery ledger.</summary>
public sealed record LedgerEntry
{
    public string PeriodKey { get; init; } = "";
    public string State { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SentAt { get; init; }
}
