namespace Newsletter.Listings;

/// <summary>A stored paper, as digests show it. <see cref="Id"/> is also its ingest sequence number.</summary>
public sealed record Paper
{
    public long Id { get; init; }
    public string? ArxivId { get; init; }
    public string Title { get; init; } = "";
    public string Abstract { get; init; } = "";
    public string Authors { get; init; } = "";
    public DateTimeOffset? PublishedAt { get; init; }
    public int? Upvotes { get; init; }
    public string? AbsUrl { get; init; }
    public string? PdfUrl { get; init; }
    public string? HfUrl { get; init; }
    public string? GithubUrl { get; init; }
    public string? ProjectUrl { get; init; }

    /// <summary>A listing's one-line summary (Hugging Face's <c>ai_summary</c>), when it has one.</summary>
    public string? AiSummary { get; init; }
    public DateTimeOffset FirstSeenAt { get; init; }
}
