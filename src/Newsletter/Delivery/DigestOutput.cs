using Newsletter.Mail;
using Scriban.Runtime;

namespace Newsletter.Delivery;

/// <summary>
/// Where a digest template writes when composing a message: straight into the part's quoted-printable bytes. A
/// paper, which the template writes as one value, is placed from its fragment's runs and its reader's pieces.
/// </summary>
internal sealed class DigestOutput(QuotedPrintableWriter writer, IReadOnlyList<PlacedText> papers) : IScriptOutput
{
    /// <summary>The first character of a paper's stand-in (<see cref="PaperFragment.Item"/>), so most writes are told apart by it.</summary>
    public const char StandInMark = '\u0002';

    public void Write(string text, int offset, int count)
    {
        if (offset == 0 && count == text.Length && count > 0 && text[0] == StandInMark && Find(text) is { } paper)
            paper.Fragment.WriteTo(writer, paper.Matched, paper.Excerpt, paper.Marks, paper.Feedback);
        else
            writer.Write(text.AsSpan(offset, count));
    }

    // Scriban hands a value over as the very string the model holds: found by reference, not by comparing text.
    private PlacedText? Find(string text)
    {
        foreach (var paper in papers)
        {
            if (ReferenceEquals(paper.StandIn, text)) return paper;
        }
        return null;
    }

    public ValueTask WriteAsync(string text, int offset, int count, CancellationToken cancellationToken)
    {
        Write(text, offset, count);
        return ValueTask.CompletedTask;
    }
}

/// <summary>One part of a paper as one digest places it where its stand-in is written: the fragment's part and the reader's parts for its holes.</summary>
internal readonly record struct PlacedText(string StandIn, FragmentText Fragment, QuotedPrintableText Matched, PaperExcerpt Excerpt, IReadOnlyList<int>? Marks, QuotedPrintableText Feedback);
