using System.Collections.Concurrent;
using Newsletter.Listings;

namespace Newsletter.Delivery;

/// <summary>
/// One paper as every digest of a sending run shows it (<c>digest.paper.*.sbn</c>), rendered once: HTML and text
/// with holes for the reader's pieces (the filters it matched, the highlighted excerpt, the address of their "more /
/// less like this" links). Its excerpts, one per set
/// of highlights the run's readers have for it, are kept with it.
/// </summary>
public sealed class PaperFragment(Paper paper, bool hasMatched, bool hasFeedback, FragmentText html, FragmentText text)
{
    private readonly ConcurrentDictionary<string, ReaderPiece> _excerpts = new(StringComparer.Ordinal);

    /// <summary>The paper as it was when rendered: a paper updated within the run is rendered anew.</summary>
    public Paper Paper { get; } = paper;

    /// <summary>Whether the fragment was rendered for an entry that matched filters ("Matched by" and its separators).</summary>
    public bool HasMatched { get; } = hasMatched;

    /// <summary>Whether the fragment has "more / less like this" links (an email's have; an archive page's may not).</summary>
    public bool HasFeedback { get; } = hasFeedback;

    /// <summary>The HTML part.</summary>
    public FragmentText Html { get; } = html;

    /// <summary>The text part.</summary>
    public FragmentText Text { get; } = text;

    /// <summary>How many excerpts (distinct highlights) the run rendered for this paper.</summary>
    public int Excerpts => _excerpts.Count;

    /// <summary>The excerpt with the highlights <paramref name="marks"/> names (its key), rendered by <paramref name="render"/> the first time.</summary>
    public ReaderPiece Excerpt(string marks, Func<ReaderPiece> render) => _excerpts.GetOrAdd(marks, _ => render());
}
