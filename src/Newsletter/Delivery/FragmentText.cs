using System.Text;
using Newsletter.Mail;

namespace Newsletter.Delivery;

/// <summary>
/// One part (HTML or text) of a paper's fragment: the runs of text the paper alone decides, each encoded as
/// quoted-printable once (<see cref="QuotedPrintableText"/>), and between them the holes where each digest places its
/// reader's pieces.
/// </summary>
public sealed class FragmentText
{
    private readonly QuotedPrintableText[] _runs;
    private readonly Hole[] _holes;

    /// <summary>What goes in a hole.</summary>
    internal enum Hole { Matched, Excerpt, Feedback }

    /// <param name="runs">The text before the first hole, between holes, and after the last (one more than the holes).</param>
    /// <param name="holes">The holes in order.</param>
    internal FragmentText(IReadOnlyList<string> runs, IReadOnlyList<Hole> holes)
    {
        if (runs.Count != holes.Count + 1) throw new ArgumentException("one run more than holes", nameof(runs));
        _runs = runs.Select(QuotedPrintableText.Of).ToArray();
        _holes = [.. holes];
    }

    /// <summary>The text with the reader's pieces in place (the archive page, previews, tests).</summary>
    public string Compose(string matched, string excerpt, string feedback)
    {
        var text = new StringBuilder(_runs[0].Source);
        for (var i = 0; i < _holes.Length; i++)
            text.Append(_holes[i] switch { Hole.Matched => matched, Hole.Excerpt => excerpt, _ => feedback }).Append(_runs[i + 1].Source);
        return text.ToString();
    }

    /// <summary>
    /// Writes the text with the reader's parts in place, each run and piece copied as encoded, the excerpt with the
    /// reader's highlights (<paramref name="marks"/>).
    /// </summary>
    public void WriteTo(QuotedPrintableWriter writer, QuotedPrintableText matched, PaperExcerpt excerpt, IReadOnlyList<int>? marks, QuotedPrintableText feedback)
    {
        writer.Write(_runs[0]);
        for (var i = 0; i < _holes.Length; i++)
        {
            switch (_holes[i])
            {
                case Hole.Matched: writer.Write(matched); break;
                case Hole.Excerpt: excerpt.WriteHtml(writer, marks); break;
                default: writer.Write(feedback); break;
            }
            writer.Write(_runs[i + 1]);
        }
    }
}
