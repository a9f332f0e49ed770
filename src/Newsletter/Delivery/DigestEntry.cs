using Newsletter.Listings;

namespace Newsletter.Delivery;

/// <summary>One paper as a digest shows it: the paper, the reader's filters it matched (best first), its abstract
/// with matched terms marked (see <see cref="DigestExcerpt"/>), and its parts when already rendered this run.</summary>
public sealed record DigestEntry(Paper Paper, IReadOnlyList<string> Labels, string MarkedAbstract)
{
    /// <summary>The paper already rendered (see <see cref="PaperFragments"/>); null to render it from the fields above.</summary>
    public PaperFragment? Rendered { get; init; }

    /// <summary>The "Matched by" names of <see cref="Labels"/> already rendered; null to render them.</summary>
    public ReaderPiece? Matched { get; init; }

    /// <summary>With <see cref="Rendered"/>: the spans of its abstract to highlight (planning's, checked to fit it); null for none.</summary>
    public IReadOnlyList<int>? Marks { get; init; }
}
