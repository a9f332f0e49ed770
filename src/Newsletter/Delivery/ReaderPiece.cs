using Newsletter.Mail;

namespace Newsletter.Delivery;

/// <summary>
/// A part of a paper's entry that depends on the reader, in the HTML part and in the text part: the filters of
/// theirs it matched (<c>digest.matched.*.sbn</c>), rendered once a run per list of filters. Placed in the holes a
/// <see cref="PaperFragment"/> leaves for it.
/// </summary>
public sealed record ReaderPiece(QuotedPrintableText Html, QuotedPrintableText Text)
{
    /// <summary>A piece from its HTML and its text, each encoded once.</summary>
    public static ReaderPiece Of(string html, string text) => new(QuotedPrintableText.Of(html), QuotedPrintableText.Of(text));
}
