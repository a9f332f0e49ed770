namespace Newsletter.Digests;

/// <summary>One ledger row as the operator sees it in a listing.</summary>
public sealed record DeliveryListing
{
    public long Id { get; init; }
    public string Email { get; init; } = "";
    public string PeriodKey { get; init; } = "";
    public int Attempts { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public string? LastError { get; init; }
}
