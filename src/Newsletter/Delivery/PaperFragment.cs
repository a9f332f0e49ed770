using Newsletter.Listings;

namespace Newsletter.Delivery;

/// <summary>
/// One paper as every digest of a sending run shows it (<c>digest.paper.*.sbn</c>), rendered once: HTML and text
/// with holes for the reader's parts (the filters it matched, the highlights in its excerpt, the address of their
/// "more / less like this" links), and its excerpt, tidied, cut and escaped once for every reader's highlights.
/// </summary>
public sealed class PaperFragment(Paper paper, PaperExcerpt excerpt, bool hasMatched, bool hasFeedback, FragmentText html, FragmentText text)
{
    /// <summary>The paper as it was when rendered: a paper updated within the run is rendered anew.</summary>
    public Paper Paper { get; } = paper;

    /// <summary>The paper's excerpt: its text is in <see cref="Text"/>; the HTML part places it with each reader's highlights.</summary>
    public PaperExcerpt Excerpt { get; } = excerpt;

    /// <summary>Whether the fragment was rendered for an entry that matched filters ("Matched by" and its separators).</summary>
    public bool HasMatched { get; } = hasMatched;

    /// <summary>Whether the fragment has "more / less like this" links (an email's have; an archive page's may not).</summary>
    public bool HasFeedback { get; } = hasFeedback;

    /// <summary>The HTML part.</summary>
    public FragmentText Html { get; } = html;

    /// <summary>The text part.</summary>
    public FragmentText Text { get; } = text;
}
