namespace Newsletter.Subscriptions;

/// <summary>One paper in a preview, with the filters that matched it.</summary>
public sealed record PreviewPaper(string Title, string? Url, IReadOnlyList<string> MatchedBy);
