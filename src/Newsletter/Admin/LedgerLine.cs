namespace Newsletter.Admin;

/// <summary>One ledger row as the operator pages list it: whose, which period, its state and the server's last word.</summary>
public sealed record LedgerLine
{
    public long Id { get; init; }
    public long SubscriberId { get; init; }
    public string Email { get; init; } = "";
    public string PeriodKey { get; init; } = "";
    public string State { get; init; } = "";
    public int Attempts { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public string? LastError { get; init; }
    public string? ServerReply { get; init; }
    public string ItemsJson { get; init; } = "[]";
}
