namespace Newsletter.Digests;

/// <summary>A paper matched by one filter, with its rank (relevance boosted by upvotes; higher is better).</summary>
internal readonly record struct FilterHit(long Paper, double Rank);
