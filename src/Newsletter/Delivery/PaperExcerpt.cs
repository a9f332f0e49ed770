using System.Net;
using System.Text;
using Newsletter.Mail;

namespace Newsletter.Delivery;

/// <summary>
/// A paper's abstract as the digests of a run show it: tidied, cut and escaped once, its wrapped text final; each
/// reader's highlights (planning's spans, <c>DigestItem.Marks</c>) are placed while their digest is written, so
/// nothing is kept per set of highlights. The same result as <see cref="DigestExcerpt"/>'s Mark, Tidy, Cut and ToHtml.
/// </summary>
public sealed class PaperExcerpt
{
    private static readonly string MarkOpen = $"<mark style=\"{DigestExcerpt.MarkStyle}\">";
    private const string MarkClose = "</mark>";

    private readonly string _source;
    // Where each whitespace-separated word of the source starts, and where it starts once tidied.
    private readonly int[] _wordStarts;
    private readonly int[] _wordTidied;
    // The escaped excerpt (the ellipsis included), and where each tidied character up to the cut starts in it.
    private readonly string _html;
    private readonly int[] _htmlAt;
    private readonly int _cut;
    private QuotedPrintableText? _encoded;

    private PaperExcerpt(string source, int max)
    {
        _source = source;
        var starts = new List<int>();
        var tidied = new List<int>();
        var text = new StringBuilder(source.Length);
        for (var i = 0; i < source.Length; i++)
        {
            if (char.IsWhiteSpace(source[i]) || (i > 0 && !char.IsWhiteSpace(source[i - 1]))) continue;
            if (text.Length > 0) text.Append(' ');
            starts.Add(i);
            tidied.Add(text.Length);
            var end = i;
            while (end < source.Length && !char.IsWhiteSpace(source[end])) end++;
            text.Append(source, i, end - i);
        }
        _wordStarts = [.. starts];
        _wordTidied = [.. tidied];
        var whole = text.ToString();
        var cut = DigestExcerpt.Cut(whole, max);
        // Cut gives the text itself when it fits, else a shorter start of it and an ellipsis.
        _cut = ReferenceEquals(cut, whole) ? whole.Length : cut.Length - 1;
        Text = DigestExcerpt.Wrap(cut, 72, "");

        _htmlAt = new int[_cut + 1];
        var html = new StringBuilder(_cut + 64);
        for (var i = 0; i < _cut; i++)
        {
            _htmlAt[i] = html.Length;
            var c = cut[i];
            if (c < '\u00a0' && c is not ('&' or '<' or '>' or '"' or '\''))
            {
                html.Append(c);
                continue;
            }
            // Escaped as WebUtility escapes the whole text: a surrogate pair as one character.
            var pair = char.IsHighSurrogate(c) && i + 1 < _cut && char.IsLowSurrogate(cut[i + 1]);
            html.Append(WebUtility.HtmlEncode(cut.Substring(i, pair ? 2 : 1)));
            if (!pair) continue;
            _htmlAt[i + 1] = _htmlAt[i];
            i++;
        }
        _htmlAt[_cut] = html.Length;
        if (_cut < whole.Length) html.Append('…');
        _html = html.ToString();
    }

    /// <summary>The excerpt as the text part shows it: cut, wrapped at 72 columns (later lines not indented).</summary>
    public string Text { get; }

    /// <summary>The excerpt of <paramref name="text"/>, at most <paramref name="max"/> visible characters.</summary>
    public static PaperExcerpt Of(string text, int max) => new(text, max);

    /// <summary>
    /// The spans of <paramref name="spans"/> when they still fit <see cref="Source"/> (see <see cref="DigestExcerpt.Mark"/>);
    /// null when there are none or they do not (the paper was revised since planning).
    /// </summary>
    public IReadOnlyList<int>? Fitting(IReadOnlyList<int>? spans) =>
        spans is { Count: > 0 } && DigestExcerpt.Fit(_source, spans) ? spans : null;

    /// <summary>The abstract the excerpt was made from.</summary>
    public string Source => _source;

    /// <summary>The escaped excerpt with each span of <paramref name="spans"/> (fitting ones, see <see cref="Fitting"/>) highlighted.</summary>
    public string Html(IReadOnlyList<int>? spans)
    {
        var html = new StringBuilder(_html.Length + 128);
        Place(spans, null, html);
        return html.ToString();
    }

    /// <summary>Writes what <see cref="Html"/> gives straight into a message part.</summary>
    public void WriteHtml(QuotedPrintableWriter writer, IReadOnlyList<int>? spans)
    {
        // Without highlights the excerpt is every such reader's: encoded once (a race only encodes it twice).
        if (spans is null or { Count: 0 }) writer.Write(_encoded ??= QuotedPrintableText.Of(_html));
        else Place(spans, writer, null);
    }

    private void Place(IReadOnlyList<int>? spans, QuotedPrintableWriter? writer, StringBuilder? builder)
    {
        void Put(ReadOnlySpan<char> text)
        {
            if (writer is not null) writer.Write(text);
            else builder!.Append(text);
        }

        var at = 0;
        for (var i = 0; spans is not null && i + 1 < spans.Count; i += 2)
        {
            var start = Tidied(spans[i]);
            if (start >= _cut) break;
            // A highlight the cut runs through is closed where the excerpt ends.
            var end = Math.Min(Tidied(spans[i + 1] - 1) + 1, _cut);
            Put(_html.AsSpan(_htmlAt[at], _htmlAt[start] - _htmlAt[at]));
            Put(MarkOpen);
            Put(_html.AsSpan(_htmlAt[start], _htmlAt[end] - _htmlAt[start]));
            Put(MarkClose);
            at = end;
        }
        Put(_html.AsSpan(_htmlAt[at]));
    }

    // A span starts and ends on a word's character, never on whitespace: its place in the tidied text.
    private int Tidied(int index)
    {
        var word = Array.BinarySearch(_wordStarts, index);
        if (word < 0) word = ~word - 1;
        return _wordTidied[word] + index - _wordStarts[word];
    }

    /// <summary>
    /// Text whose highlights are marked in it (<see cref="DigestExcerpt.MarkStart"/>/<see cref="DigestExcerpt.MarkEnd"/>)
    /// as the text and its spans, the form planning gives (tests and previews build digests from marked text).
    /// </summary>
    public static (string Text, IReadOnlyList<int>? Spans) Unmark(string marked)
    {
        if (marked.AsSpan().IndexOfAny(DigestExcerpt.MarkStart, DigestExcerpt.MarkEnd) < 0) return (marked, null);
        var text = new StringBuilder(marked.Length);
        var spans = new List<int>();
        foreach (var c in marked)
        {
            if (c == DigestExcerpt.MarkStart || c == DigestExcerpt.MarkEnd) spans.Add(text.Length);
            else text.Append(c);
        }
        return (text.ToString(), spans);
    }
}
