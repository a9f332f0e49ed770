using Newsletter.Mail;

namespace Newsletter.Delivery;

/// <summary>One paper as a digest shows it, in the HTML part and in the text part (<c>digest.paper.*.sbn</c>).</summary>
public sealed record PaperFragment(string Html, string Text)
{
    /// <summary>The HTML's whole lines as quoted-printable, encoded once for every message of the run that holds the paper.</summary>
    public QuotedPrintableText EncodedHtml { get; } = QuotedPrintableText.Of(Html);

    /// <summary>The text's whole lines as quoted-printable (see <see cref="EncodedHtml"/>).</summary>
    public QuotedPrintableText EncodedText { get; } = QuotedPrintableText.Of(Text);
}
