namespace Newsletter.Listings;

/// <summary>A source's last recorded ingest run: when, what it added, and its failure if any; and every run's counts added up.</summary>
public sealed record SourceRun
{
    public string Source { get; init; } = "";
    public DateTimeOffset RanAt { get; init; }
    public int New { get; init; }
    public int Duplicate { get; init; }
    public int Rejected { get; init; }
    public int DaysRead { get; init; }
    public string? Failure { get; init; }
    public DateTimeOffset? LastOkAt { get; init; }
    public long NewTotal { get; init; }
    public long DuplicateTotal { get; init; }
    public long RejectedTotal { get; init; }
}
