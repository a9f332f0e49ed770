using Newsletter.Mail;
using Scriban.Runtime;

namespace Newsletter.Delivery;

/// <summary>
/// Where a digest template writes when composing a message: straight into the part's quoted-printable bytes. A
/// paper, which the template writes as one value, is placed from its fragment's runs and its reader's pieces.
/// </summary>
internal sealed class DigestOutput(QuotedPrintableWriter writer, IReadOnlyDictionary<string, PlacedText> papers) : IScriptOutput
{
    public void Write(string text, int offset, int count)
    {
        // Scriban hands a value over as the very string the model holds: found by reference, not by comparing text.
        if (offset == 0 && count == text.Length && papers.TryGetValue(text, out var paper))
            paper.Fragment.WriteTo(writer, paper.Matched, paper.Excerpt, paper.Marks, paper.Feedback);
        else
            writer.Write(text.AsSpan(offset, count));
    }

    public ValueTask WriteAsync(string text, int offset, int count, CancellationToken cancellationToken)
    {
        Write(text, offset, count);
        return ValueTask.CompletedTask;
    }
}

/// <summary>One part of a paper as one digest places it: the fragment's part and the reader's parts for its holes.</summary>
internal readonly record struct PlacedText(FragmentText Fragment, QuotedPrintableText Matched, PaperExcerpt Excerpt, IReadOnlyList<int>? Marks, QuotedPrintableText Feedback);
