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
        var paragraphs = Paragraphs(text).ToList();
        var start = 0;
        DateTimeOffset? date = null;
        for (var i = 0; i < Math.Min(paragraphs.Count, 10); i++)
        {
            var match = DateLine().Match(paragraphs[i]);
            if (match.Success)
            {
                date = ResolveDate(match.Groups[1].Value, int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), now);
                start = i + 1;
                break;
            }
        }
        if (date is null)
            throw new ListingFormatException("not a papers page: no date line such as 'Mar 14' near the top");

        var entries = new List<ListingEntry>();
        var rejections = new List<ListingRejection>();
        var body = paragraphs.Skip(start).Where(p => !HeaderLines.Contains(p)).ToList();
        for (var i = 0; i < body.Count; i += 2)
        {
            var position = $"paper {i / 2 + 1}";
            var title = ListingEntryRules.Clean(body[i]);
            if (i + 1 >= body.Count)
            {
                rejections.Add(new ListingRejection(position, $"title \"{ListingEntryRules.Shorten(title)}\" has no abstract"));
                break;
            }
            var summary = ListingEntryRules.Clean(body[i + 1]);
            ListingEntryRules.Accept(new ListingEntry(title, summary) { PublishedAt = date }, position, entries, rejections);
        }
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
