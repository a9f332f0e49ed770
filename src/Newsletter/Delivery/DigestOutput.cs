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

    // Where the last stand-in was found: a part writes its papers in order, so the next one is found a step or two on.
    private int _next;

    // Scriban hands a value over as the very string the model holds: found by reference, not by comparing text.
    private PlacedText? Find(string text)
    {
        for (var i = 0; i < papers.Count; i++)
        {
            var at = (_next + i) % papers.Count;
            if (!ReferenceEquals(papers[at].StandIn, text)) continue;
            _next = at + 1;
            return papers[at];
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
