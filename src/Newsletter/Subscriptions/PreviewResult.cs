namespace Newsletter.Subscriptions;

/// <summary>What a set of filters would have delivered: how many papers, since when, and the best of them.</summary>
public sealed record PreviewResult(int Count, DateTimeOffset Since, IReadOnlyList<PreviewPaper> Papers);
