using System.Xml.Linq;
using static Newsletter.Listings.ArxivFeedNames;

namespace Newsletter.Listings;

/// <summary>
/// Reads arXiv API Atom (<c>export.arxiv.org/api/query</c>): <c>entry</c> with <c>id</c> (abs URL), <c>title</c>,
/// <c>summary</c>, <c>author/name</c>, <c>published</c>, <c>link</c> (alternate and <c>title="pdf"</c>),
/// <c>category term</c> and <c>arxiv:primary_category</c>.
/// </summary>
public static class ArxivApiParser
{
    public static ParsedListing Parse(string text) => Parse(new XmlFeed(text, "entry"));

    internal static ParsedListing Parse(XmlFeed feed)
    {
        if (feed.Root != Atom + "feed")
            throw new ListingFormatException($"not an arXiv API Atom feed: the root element is <{feed.RootQualifiedName}>, not an Atom <feed>");
        var entries = new List<ListingEntry>();
        var rejections = new ListingRejections();
        foreach (var (position, element, problem) in feed.Entries("entry"))
        {
            if (element is null)
            {
                rejections.Add(new ListingRejection(position, problem!));
                continue;
            }
            var id = Text(element, Atom + "id");
            if (id.Contains("/api/errors", StringComparison.OrdinalIgnoreCase))
            {
                rejections.Add(new ListingRejection(position, "arXiv API error: " + ListingEntryRules.Shorten(Text(element, Atom + "summary"))));
                continue;
            }
            ListingEntryRules.Accept(Read(element, id), position, entries, rejections);
        }
        return new ParsedListing(entries, rejections);
    }

    private static ListingEntry Read(XElement entry, string id)
    {
        var arxivId = ArxivId.Normalize(id);
        var links = entry.Elements(Atom + "link").ToList();
        var abs = links.FirstOrDefault(l => (string?)l.Attribute("rel") is null or "alternate" && (string?)l.Attribute("title") is null);
        var pdf = links.FirstOrDefault(l => (string?)l.Attribute("title") == "pdf");
        var categories = new List<string>();
        var primary = ListingEntryRules.Clean((string?)entry.Element(Arxiv + "primary_category")?.Attribute("term"));
        if (primary.Length > 0) categories.Add(primary);
        foreach (var category in entry.Elements(Atom + "category"))
        {
            var term = ListingEntryRules.Clean((string?)category.Attribute("term"));
            if (term.Length > 0 && !categories.Contains(term)) categories.Add(term);
        }
        return new ListingEntry(Text(entry, Atom + "title"), Text(entry, Atom + "summary"))
        {
            ArxivId = arxivId,
            Authors = entry.Elements(Atom + "author").Select(a => Text(a, Atom + "name")).Where(n => n.Length > 0).ToList(),
            Categories = categories,
            PublishedAt = Date(entry.Element(Atom + "published")?.Value) ?? Date(entry.Element(Atom + "updated")?.Value),
            AbsUrl = (arxivId is null ? null : ArxivId.AbsUrl(arxivId)) ?? Url((string?)abs?.Attribute("href")) ?? Url(id),
            PdfUrl = Url((string?)pdf?.Attribute("href")) ?? (arxivId is null ? null : ArxivId.PdfUrl(arxivId)),
        };
    }
}
