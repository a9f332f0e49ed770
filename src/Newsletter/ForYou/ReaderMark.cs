namespace Newsletter.ForYou;

/// <summary>One mark as the reader sees it on their "For you" page and in their data export.</summary>
public sealed record ReaderMark(long PaperId, string Title, string? ArxivId, string Kind, string Source, DateTimeOffset CreatedAt);
