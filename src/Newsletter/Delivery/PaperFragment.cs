using System.Globalization;
using Newsletter.Listings;
using Scriban.Runtime;

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

    /// <summary>
    /// The paper as the digest templates' list holds it (<c>paper.id</c>, <c>paper.html</c>, <c>paper.text</c>), made
    /// once with the fragment for every digest of the run: its parts are stand-ins, strings an output finds by reference
    /// (<see cref="DigestOutput"/>) and writes from the fragment with that digest's pieces. Read-only: shared by digests.
    /// </summary>
    internal ScriptObject Item => _item ??= new ScriptObject(3)
    {
        ["id"] = Paper.Id, ["html"] = HtmlStandIn, ["text"] = TextStandIn, IsReadOnly = true,
    };

    /// <summary>What <see cref="Item"/> gives for the HTML part: found by reference, never written as text.</summary>
    internal string HtmlStandIn { get; } = StandIn(paper.Id, "html");

    /// <summary>What <see cref="Item"/> gives for the text part: found by reference, never written as text.</summary>
    internal string TextStandIn { get; } = StandIn(paper.Id, "text");

    // Made on first use (a race makes it twice, alike): a fragment made for an archive page or a preview never needs it.
    private ScriptObject? _item;

    private static string StandIn(long id, string part) =>
        string.Concat(DigestOutput.StandInMark.ToString(), "paper ", id.ToString(CultureInfo.InvariantCulture), " ", part);
}
