using Newsletter.Listings;

namespace Newsletter.Delivery;

/// <summary>One paper as a digest shows it: the paper, the reader's filters it matched (best first), its abstract
/// with matched terms marked (see <see cref="DigestExcerpt"/>).</summary>
public sealed record DigestEntry(Paper Paper, IReadOnlyList<string> Labels, string MarkedAbstract);
