using System.Globalization;
using System.Text.RegularExpressions;

namespace Newsletter.Listings;

/// <summary>
/// Reads "papers page" text: a few header lines, a date line without a year ("Mar 14"), then blank-line separated
/// pairs of a title paragraph and an abstract paragraph.
/// </summary>
public static partial class PapersPageParser
{
    private static readonly HashSet<string> HeaderLines = new(StringComparer.OrdinalIgnoreCase)
    {
        "new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers", "byAK and the research community",
    };

    [GeneratedRegex(@"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (\d{1,2})$", RegexOptions.CultureInvariant)]
    private static partial Regex DateLine();

    /// <summary>True when the text looks like a papers page (a date line among its first lines).</summary>
    public static bool LooksLike(string text) =>
        Paragraphs(text).Take(8).Any(p => DateLine().IsMatch(p));

    /// <summary>Parses a page; the yearless date resolves to the latest such date not after <paramref name="now"/>.</summary>
    public static ParsedListing Parse(string text, DateTimeOffset now)
    {
        // One pass over the paragraphs, each cleaned and dropped as it is read: a month of papers is never held
        // a second time as raw paragraphs.
        var entries = new List<ListingEntry>();
        var rejections = new ListingRejections();
        DateTimeOffset? date = null;
        var seen = 0;
        string? title = null;
        var paper = 0;
        foreach (var paragraph in Paragraphs(text))
        {
            if (date is null)
            {
                // The date line is looked for among the first ten paragraphs; whatever precedes it is header.
                if (seen++ == 10) break;
                var match = DateLine().Match(paragraph);
                if (match.Success)
                    date = ResolveDate(match.Groups[1].Value, int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), now);
                continue;
            }
            if (HeaderLines.Contains(paragraph)) continue;
            if (title is null)
            {
                title = ListingEntryRules.Clean(paragraph);
                continue;
            }
            paper++;
            ListingEntryRules.Accept(new ListingEntry(title, ListingEntryRules.Clean(paragraph)) { PublishedAt = date },
                $"paper {paper}", entries, rejections);
            title = null;
        }
        if (date is null)
            throw new ListingFormatException("not a papers page: no date line such as 'Mar 14' near the top");
        if (title is not null)
            rejections.Add(new ListingRejection($"paper {paper + 1}", $"title \"{ListingEntryRules.Shorten(title)}\" has no abstract"));
        return new ParsedListing(entries, rejections);
    }

    private static DateTimeOffset ResolveDate(string month, int day, DateTimeOffset now)
    {
        var monthNumber = DateTime.ParseExact(month[..3], "MMM", CultureInfo.InvariantCulture).Month;
        for (var year = now.UtcDateTime.Year; year >= now.UtcDateTime.Year - 8; year--)
        {
            if (day > DateTime.DaysInMonth(year, monthNumber)) continue;
            var candidate = new DateTimeOffset(year, monthNumber, day, 0, 0, 0, TimeSpan.Zero);
            if (candidate <= now) return candidate;
        }
        throw new ListingFormatException($"date line '{month} {day}' is not a calendar date");
    }

    // Walks the text line by line without splitting it first: a month of papers is tens of MB, and detecting the
    // format only needs the first few paragraphs.
    private static IEnumerable<string> Paragraphs(string text)
    {
        var current = new System.Text.StringBuilder();
        var start = 0;
        while (start <= text.Length)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length;
            var (lineStart, lineLength) = TrimmedLine(text, start, end);
            if (lineLength == 0)
            {
                if (current.Length > 0) yield return current.ToString();
                current.Clear();
            }
            else
            {
                if (current.Length > 0) current.Append(' ');
                current.Append(text, lineStart, lineLength);
            }
            start = end + 1;
        }
        if (current.Length > 0) yield return current.ToString();
    }

    /// <summary>The line between <paramref name="start"/> and <paramref name="end"/> without surrounding white space.</summary>
    private static (int Start, int Length) TrimmedLine(string text, int start, int end)
    {
        // '\r' is white space, so a CRLF line needs nothing more.
        var raw = text.AsSpan(start, end - start);
        var leading = raw.Length - raw.TrimStart().Length;
        return (start + leading, raw.Trim().Length);
    }
}
