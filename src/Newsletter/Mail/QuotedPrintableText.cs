namespace Newsletter.Mail;

/// <summary>
/// A text placed in many messages (a paper's fragment, a reader's piece), encoded as quoted-printable once: encoded as
/// if it started a line, and, when it ends mid-line, closed with a soft line break (<c>=</c> and CRLF, which a reader
/// never sees), so its bytes do not depend on what comes before or after it. A <see cref="QuotedPrintableWriter"/>
/// copies them, ending the line it stands in with a soft break first.
/// </summary>
public sealed class QuotedPrintableText
{
    private QuotedPrintableText(string source, ReadOnlyMemory<byte> encoded)
    {
        Source = source;
        Encoded = encoded;
    }

    /// <summary>The text itself.</summary>
    public string Source { get; }

    /// <summary>The text encoded from a line's start; it ends with a line end, hard or soft (none when the text is empty).</summary>
    public ReadOnlyMemory<byte> Encoded { get; }

    /// <summary>Encodes <paramref name="source"/>.</summary>
    public static QuotedPrintableText Of(string source)
    {
        if (source.Length == 0) return new QuotedPrintableText(source, ReadOnlyMemory<byte>.Empty);
        // Its buffers rented and given back: a digest encodes a few texts of its own (its feedback address).
        var writer = new QuotedPrintableWriter(source.Length + source.Length / 2 + 16, pooled: true);
        writer.Write(source);
        writer.EndLineSoftly();
        return new QuotedPrintableText(source, writer.TakeCopy());
    }
}
