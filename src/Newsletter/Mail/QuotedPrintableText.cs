namespace Newsletter.Mail;

/// <summary>
/// A text placed in many messages (a paper's fragment), its whole lines encoded as quoted-printable once: a
/// <see cref="QuotedPrintableWriter"/> copies those bytes and encodes only the partial lines at either end, which
/// depend on where the text is placed.
/// </summary>
public sealed class QuotedPrintableText
{
    private QuotedPrintableText(string source, int headLength, int tailStart, ReadOnlyMemory<byte> lines)
    {
        Source = source;
        HeadLength = headLength;
        TailStart = tailStart;
        Lines = lines;
    }

    /// <summary>The text itself.</summary>
    public string Source { get; }

    /// <summary>Characters up to and including the first line end (all of them when there is none): encoded where placed.</summary>
    public int HeadLength { get; }

    /// <summary>Where the text after the last line end starts: encoded where placed.</summary>
    public int TailStart { get; }

    /// <summary>The lines between the head and the tail, encoded.</summary>
    public ReadOnlyMemory<byte> Lines { get; }

    /// <summary>Encodes the whole lines of <paramref name="source"/>.</summary>
    public static QuotedPrintableText Of(string source)
    {
        var first = source.IndexOf('\n');
        var last = source.LastIndexOf('\n');
        if (first < 0 || first == last) return new QuotedPrintableText(source, source.Length, source.Length, ReadOnlyMemory<byte>.Empty);
        var writer = new QuotedPrintableWriter(2 * (last - first) + 64);
        writer.Write(source.AsSpan(first + 1, last - first));
        return new QuotedPrintableText(source, first + 1, last + 1, writer.Written.ToArray());
    }
}
