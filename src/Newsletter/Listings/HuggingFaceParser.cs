using System.Globalization;
using System.Text.Json;

namespace Newsletter.Listings;

/// <summary>
/// Reads Hugging Face daily-papers JSON: an array of <c>{ paper: { id, title, summary, upvotes, publishedAt,
/// authors: [{ name }], githubRepo, projectPage, ai_summary }, publishedAt, title, summary }</c>. <c>paper.id</c> is
/// the arXiv id. An empty array is a day with no papers (Hugging Face publishes none on weekends).
/// </summary>
public static class HuggingFaceParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>True when the text starts like JSON.</summary>
    public static bool LooksLike(string text) => FirstSignificant(text) is '[' or '{';

    public static ParsedListing Parse(string text) => Parse(() => JsonDocument.Parse(text, Options));

    /// <summary>Parses UTF-8 JSON bytes (a byte-order mark is skipped).</summary>
    public static ParsedListing Parse(ReadOnlyMemory<byte> utf8)
    {
        if (utf8.Span.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF })) utf8 = utf8[3..];
        return Parse(() => JsonDocument.Parse(utf8, Options));
    }

    private static ParsedListing Parse(Func<JsonDocument> load)
    {
        JsonDocument document;
        try
        {
            document = load();
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}" : "";
            throw new ListingFormatException($"not valid JSON{where} (truncated or malformed)", e);
        }
        using (document)
        {
            var root = document.RootElement;
            // Some exports wrap the array: { "papers": [...] } or { "data": [...] }.
            if (root.ValueKind == JsonValueKind.Object)
            {
                root = root.TryGetProperty("papers", out var papers) ? papers
                    : root.TryGetProperty("data", out var data) ? data
                    : root;
            }
            if (root.ValueKind != JsonValueKind.Array)
                throw new ListingFormatException("JSON listing must be an array of daily-paper items");

            var entries = new List<ListingEntry>();
            var rejections = new ListingRejections();
            var index = 0;
            foreach (var item in root.EnumerateArray())
            {
                index++;
                var position = $"item {index}";
                try
                {
                    ListingEntryRules.Accept(Read(item), position, entries, rejections);
                }
                catch (BrokenEntryException e)
                {
                    rejections.Add(new ListingRejection(position, e.Message));
                }
                catch (InvalidOperationException)
                {
                    // What JsonElement.GetString throws for bytes that are not UTF-8 inside a string.
                    rejections.Add(new ListingRejection(position, "broken item: text that is not valid UTF-8"));
                }
            }
            return new ParsedListing(entries, rejections);
        }
    }

    private static ListingEntry Read(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object) throw new BrokenEntryException($"broken item: {Kind(item)} instead of an object");
        var paper = item.TryGetProperty("paper", out var p) ? p : default;
        if (paper.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
            throw new BrokenEntryException($"broken item: paper is {Kind(paper)}");
        if (paper.ValueKind != JsonValueKind.Object) paper = default;

        var arxivId = ArxivId.Normalize(String(paper, "id") ?? String(item, "id"));
        var authors = new List<string>();
        if (paper.ValueKind == JsonValueKind.Object && paper.TryGetProperty("authors", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array) throw new BrokenEntryException($"broken item: paper.authors is {Kind(list)}");
            foreach (var author in list.EnumerateArray())
            {
                var name = author.ValueKind switch
                {
                    JsonValueKind.Object => String(author, "name"),
                    JsonValueKind.String => author.GetString(),
                    _ => throw new BrokenEntryException($"broken item: an author is {Kind(author)}"),
                };
                name = ListingEntryRules.Clean(name);
                if (name.Length > 0) authors.Add(name);
            }
        }
        return new ListingEntry(
            ListingEntryRules.Clean(String(paper, "title") ?? String(item, "title")),
            ListingEntryRules.Clean(String(paper, "summary") ?? String(item, "summary")))
        {
            ArxivId = arxivId,
            Authors = authors,
            Upvotes = Integer(paper, "upvotes"),
            PublishedAt = Date(paper, "publishedAt") ?? Date(item, "publishedAt"),
            AbsUrl = arxivId is null ? null : ArxivId.AbsUrl(arxivId),
            PdfUrl = arxivId is null ? null : ArxivId.PdfUrl(arxivId),
            HfUrl = arxivId is null ? null : ArxivId.HuggingFaceUrl(arxivId),
            GithubUrl = Url(Optional(paper, "githubRepo") ?? Optional(item, "githubRepo")),
            ProjectUrl = Url(Optional(paper, "projectPage") ?? Optional(item, "projectPage")),
            AiSummary = Summary(Optional(paper, "ai_summary") ?? Optional(item, "ai_summary")),
        };
    }

    private static string? String(JsonElement element, string property)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(property, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => throw new BrokenEntryException($"broken item: {property} is {Kind(value)}, not a string"),
        };
    }

    /// <summary>An extra the paper is complete without: anything but a string is ignored rather than rejecting it.</summary>
    private static string? Optional(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static string? Summary(string? text) =>
        ListingEntryRules.Clean(text) is { Length: > 0 and <= ListingEntryRules.MaxAiSummaryLength } summary ? summary : null;

    private static int? Integer(JsonElement element, string property)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(property, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 0) return number;
        throw new BrokenEntryException($"broken item: {property} is not a non-negative whole number");
    }

    private static DateTimeOffset? Date(JsonElement element, string property) =>
        String(element, property) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : null;

    private static string? Url(string? text) =>
        Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.ToString() : null;

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "missing",
    };

    private static char FirstSignificant(string text)
    {
        foreach (var c in text)
        {
            if (c != '\uFEFF' && !char.IsWhiteSpace(c)) return c;
        }
        return '\0';
    }
}
