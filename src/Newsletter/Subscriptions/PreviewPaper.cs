namespace Newsletter.Subscriptions;

/// <summary>One paper in a preview, with the filters that matched it.</summary>
public sealed record PreviewPaper(string Title, string? Url, IReadOnlyList<string> MatchedBy)
{
    /// <summary>The paper's id (its ingest sequence), so a page can show more of it than the preview carries.</summary>
    public long PaperId { get; init; }
}
