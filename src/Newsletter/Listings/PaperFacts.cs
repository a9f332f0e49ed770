namespace Newsletter.Listings;

/// <summary>
/// What a listing and the papers table both say about a paper: its text, date, upvotes, links and one-line
/// summary. <see cref="ListingEntry"/> adds what a listing brings, <see cref="Paper"/> what storing it adds.
/// </summary>
public abstract record PaperFacts
{
    public string Title { get; init; } = "";
    public string Abstract { get; init; } = "";
    public string? ArxivId { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public int? Upvotes { get; init; }
    public string? AbsUrl { get; init; }
    public string? PdfUrl { get; init; }
    public string? HfUrl { get; init; }
    public string? GithubUrl { get; init; }
    public string? ProjectUrl { get; init; }

    /// <summary>A one-line summary of the paper (Hugging Face's <c>ai_summary</c>), when the listing has one.</summary>
    public string? AiSummary { get; init; }
}
