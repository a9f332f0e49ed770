using Newsletter.Mail;
using Scriban.Runtime;

namespace Newsletter.Delivery;

/// <summary>
/// Where a digest template writes when composing a message: straight into the part's quoted-printable bytes. A
/// paper's fragment, which the template writes as one value, is placed from the lines encoded once for the run.
/// </summary>
internal sealed class DigestOutput(QuotedPrintableWriter writer, IReadOnlyDictionary<string, QuotedPrintableText> fragments) : IScriptOutput
{
    public void Write(string text, int offset, int count)
    {
        // Scriban hands a value over as the very string the model holds: found by reference, not by comparing text.
        if (offset == 0 && count == text.Length && fragments.TryGetValue(text, out var encoded))
            writer.Write(encoded);
        else
            writer.Write(text.AsSpan(offset, count));
    }

    public ValueTask WriteAsync(string text, int offset, int count, CancellationToken cancellationToken)
    {
        Write(text, offset, count);
        return ValueTask.CompletedTask;
    }
}
