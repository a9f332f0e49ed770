namespace Newsletter.Subscriptions;

/// <summary>What a set of filters would have delivered: how many papers, since when, and the best of them.</summary>
public sealed record PreviewResult(int Count, DateTimeOffset Since, IReadOnlyList<PreviewPaper> Papers);

/// <summary>One paper in a preview, with the filters that matched it.</summary>
public sealed record PreviewPaper(string Title, string? Url, IReadOnlyList<string> MatchedBy);
