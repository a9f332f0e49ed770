namespace Newsletter.Listings;

/// <summary>A stored paper, as digests show it. <see cref="Id"/> is also its ingest sequence number.</summary>
public sealed record Paper : PaperFacts
{
    public long Id { get; init; }

    /// <summary>The authors as stored: one line, separated by commas.</summary>
    public string Authors { get; init; } = "";
    public DateTimeOffset FirstSeenAt { get; init; }
}
