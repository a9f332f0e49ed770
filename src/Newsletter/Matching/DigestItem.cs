namespace Newsletter.Matching;

/// <summary>One paper frozen into a digest: which paper, the reader's filters it matched (best first), its score.</summary>
public sealed record DigestItem(long Paper, IReadOnlyList<string> Topics, double Score);
