namespace Newsletter.Matching;

/// <summary>A paper matched by one filter: its relevance (bm25, flipped: higher is better) and its upvotes (0 when none).</summary>
internal readonly record struct FilterHit(long Paper, double Rank, int Upvotes);
