namespace Newsletter.Papers;

/// <summary>One day on the papers page: how many papers it has and the ones shown.</summary>
public sealed record PaperDay(DateOnly Day, int Count, IReadOnlyList<ListedPaper> Papers);
