namespace Newsletter.Matching;

/// <summary>What ranking needs to know about a paper in the run's window.</summary>
internal readonly record struct WindowPaper(int? Upvotes, DateTimeOffset FirstSeenAt);
