namespace Newsletter.Digests;

/// <summary>How many ledger rows planned on one day (UTC) are in one state.</summary>
public sealed record DeliveryDayCount
{
    public string Day { get; init; } = "";
    public string State { get; init; } = "";
    public long Count { get; init; }
}
