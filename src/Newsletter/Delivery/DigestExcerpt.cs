using System.Globalization;
using System.Net;
using System.Text;

namespace Newsletter.Delivery;

/// <summary>
/// Abstract excerpts with the matched terms marked: <see cref="MarkStart"/>/<see cref="MarkEnd"/> (control
/// characters no abstract contains) delimit a match until the text is cut and turned into HTML or plain text.
/// </summary>
public static class DigestExcerpt
{
    public const char MarkStart = '\u0002';
    public const char MarkEnd = '\u0003';

    /// <summary>The inline style of a highlighted term: readable on light and dark backgrounds alike.</summary>
    public const string MarkStyle = "background-color:#fde68a;color:#111827;padding:0 2px;border-radius:2px;";

    /// <summary>
    /// <paramref name="text"/> with the spans planning decided on (<c>DigestItem.Marks</c>) between the marks; the
    /// text as it is when there are none, or when they no longer fit it (the paper was revised since: each span must
    /// still start and end a word).
    /// </summary>
    public static string Mark(string text, IReadOnlyList<int>? spans)
    {
        if (spans is null || spans.Count == 0 || !Fit(text, spans)) return text;
        var marked = new StringBuilder(text.Length + spans.Count);
        var at = 0;
        for (var i = 0; i < spans.Count; i += 2)
        {
            marked.Append(text, at, spans[i] - at).Append(MarkStart).Append(text, spans[i], spans[i + 1] - spans[i]).Append(MarkEnd);
            at = spans[i + 1];
        }
        return marked.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>True when every span still starts and ends a word of <paramref name="text"/>, in order.</summary>
    internal static bool Fit(string text, IReadOnlyList<int> spans)
    {
        if (spans.Count % 2 != 0) return false;
        var after = 0;
        for (var i = 0; i < spans.Count; i += 2)
        {
            var (start, end) = (spans[i], spans[i + 1]);
            if (start < after || end <= start || end > text.Length) return false;
            if (!IsWord(text[start]) || !IsWord(text[end - 1])) return false;
            if ((start > 0 && IsWord(text[start - 1])) || (end < text.Length && IsWord(text[end]))) return false;
            after = end;
        }
        return true;
    }

    // What FTS5's unicode61 tokenizer counts as part of a word: letters, numbers, private use (and, with diacritics
    // removed, combining marks); astral characters are taken as letters.
    private static bool IsWord(char c) => char.GetUnicodeCategory(c) is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
        or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber or UnicodeCategory.PrivateUse
        or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.Surrogate;

    /// <summary>At most <paramref name="max"/> visible characters, cut on a word boundary, with an ellipsis when cut.</summary>
    public static string Cut(string marked, int max)
    {
        var visible = 0;
        var lastSpace = -1;
        var end = marked.Length;
        for (var i = 0; i < marked.Length; i++)
        {
            var c = marked[i];
            if (c is MarkStart or MarkEnd) continue;
            if (char.IsWhiteSpace(c)) lastSpace = i;
            if (++visible > max)
            {
                end = i;
                break;
            }
        }
        if (end == marked.Length) return marked;
        // Cut at the last space before the limit unless that loses more than half the excerpt (one huge word).
        var cut = lastSpace > 0 && lastSpace > end / 2 ? lastSpace : end;
        var text = marked[..cut].TrimEnd(' ', ',', ';', ':', '.', '-', '(');
        // A match cut in two stays closed.
        if (text.LastIndexOf(MarkStart) > text.LastIndexOf(MarkEnd)) text += MarkEnd;
        return text + "…";
    }

    /// <summary>Escaped HTML with each match wrapped in an inline-styled &lt;mark&gt;.</summary>
    public static string ToHtml(string marked)
    {
        var html = new StringBuilder(marked.Length + 64);
        var start = 0;
        for (var i = 0; i <= marked.Length; i++)
        {
            if (i < marked.Length && marked[i] is not (MarkStart or MarkEnd)) continue;
            html.Append(WebUtility.HtmlEncode(marked[start..i]));
            if (i < marked.Length)
                html.Append(marked[i] == MarkStart ? $"<mark style=\"{MarkStyle}\">" : "</mark>");
            start = i + 1;
        }
        return html.ToString();
    }

    /// <summary>The plain text, marks removed.</summary>
    public static string ToText(string marked) => marked.Replace(MarkStart.ToString(), "").Replace(MarkEnd.ToString(), "");

    /// <summary>Plain text wrapped at <paramref name="width"/> columns, every line after the first indented.</summary>
    public static string Wrap(string text, int width, string indent)
    {
        var lines = new StringBuilder();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && indent.Length + line.Length + 1 + word.Length > width)
            {
                lines.Append(line).Append('\n').Append(indent);
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        return lines.Append(line).ToString();
    }

    /// <summary>Collapses the line breaks and runs of spaces a listing leaves in an abstract.</summary>
    public static string Tidy(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
