using System.Text.RegularExpressions;

namespace Newsletter.Listings;

/// <summary>Finds the arXiv identifier, without its version, in an id, abs/pdf URL or OAI identifier.</summary>
public static partial class ArxivId
{
    // New style 2403.01234 (4 or 5 digits after the dot, since 2015) and old style hep-th/9901001 or math.GT/0309136.
    [GeneratedRegex(@"(?<![\w.])(?<id>\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?![\w.])", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>The id without version (<c>2403.01234v2</c> → <c>2403.01234</c>), or null when there is none.</summary>
    public static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 500) return null;
        var match = Pattern().Match(text.Trim());
        return match.Success ? match.Groups["id"].Value : null;
    }

    public static string AbsUrl(string id) => $"https://arxiv.org/abs/{id}";

    public static string PdfUrl(string id) => $"https://arxiv.org/pdf/{id}";

    public static string HuggingFaceUrl(string id) => $"https://huggingface.co/papers/{id}";
}
