using System.Globalization;
using System.Xml.Linq;

namespace Newsletter.Listings;

/// <summary>Namespaces and small readers shared by the two arXiv feed parsers.</summary>
internal static class ArxivFeedNames
{
    public static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    public static readonly XNamespace Arxiv = "http://arxiv.org/schemas/atom";
    public static readonly XNamespace DublinCore = "http://purl.org/dc/elements/1.1/";

    public static string Text(XElement parent, XName name) => ListingEntryRules.Clean(parent.Element(name)?.Value);

    public static DateTimeOffset? Date(string? text) =>
        !string.IsNullOrWhiteSpace(text)
        && DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : null;

    public static string? Url(string? text) =>
        Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.ToString() : null;
}
