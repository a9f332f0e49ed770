namespace Newsletter.Storage;

/// <summary>One backup written: when, to which file, how many bytes.</summary>
public sealed record BackupRecord
{
    public DateTimeOffset TakenAt { get; init; }
    public string Path { get; init; } = "";
    public long Bytes { get; init; }
}
