namespace Newsletter.Listings;

/// <summary>One paper as a listing describes it, before it is merged into the papers table.</summary>
public sealed record ListingEntry(string Title, string Abstract)
{
    public string? ArxivId { get; init; }
    public IReadOnlyList<string> Authors { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public DateTimeOffset? PublishedAt { get; init; }
    public int? Upvotes { get; init; }
    public string? AbsUrl { get; init; }
    public string? PdfUrl { get; init; }
    public string? HfUrl { get; init; }
    public string? GithubUrl { get; init; }
    public string? ProjectUrl { get; init; }

    /// <summary>A one-line summary of the paper (Hugging Face's <c>ai_summary</c>), when the listing has one.</summary>
    public string? AiSummary { get; init; }

    /// <summary>
    /// An announcement of a new version (arXiv <c>replace</c>): it updates the paper when it is already stored and
    /// is never inserted, so it never reaches readers as new.
    /// </summary>
    public bool UpdateOnly { get; init; }
}
