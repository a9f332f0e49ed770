namespace Newsletter.Matching;

/// <summary>
/// One paper frozen into a digest: which paper, the labels of the reader's filters it matched (best first; see
/// <c>FilterLabel</c>), its score.
/// </summary>
public sealed record DigestItem(long Paper, IReadOnlyList<string> Labels, double Score);
