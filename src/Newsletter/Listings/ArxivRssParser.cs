using System.Text.RegularExpressions;
using System.Xml.Linq;
using static Newsletter.Listings.ArxivFeedNames;

namespace Newsletter.Listings;

/// <summary>
/// Reads arXiv announcement feeds (<c>rss.arxiv.org</c>), RSS 2.0 or Atom: <c>guid</c>/<c>id</c>
/// <c>oai:arXiv.org:ID</c>, a description starting with <c>arXiv:ID Announce Type: new Abstract:</c> (stripped),
/// <c>dc:creator</c> (a comma list), <c>category</c> and <c>arxiv:announce_type</c>. <c>new</c> and <c>cross</c> are
/// announcements; <c>replace</c> only updates a paper already stored.
/// </summary>
public static partial class ArxivRssParser
{
    [GeneratedRegex(@"^\s*arXiv:\S+\s+Announce\s+Type:\s*(?<type>[\w-]+)\s*(?:Abstract:\s*)?", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex AnnouncePrefix();

    /// <summary>True when an XML feed carries arXiv announcements rather than API results.</summary>
    internal static bool IsAnnouncementFeed(XmlFeed feed, string text) =>
        feed.Root.LocalName == "rss"
        || text.Contains("announce_type", StringComparison.Ordinal)
        || text.Contains("Announce Type:", StringComparison.Ordinal);

    public static ParsedListing Parse(string text) => Parse(new XmlFeed(text, "item", "entry"));

    internal static ParsedListing Parse(XmlFeed feed)
    {
        var isRss = feed.Root.LocalName == "rss" && feed.Root.Namespace == XNamespace.None;
        if (!isRss && feed.Root != Atom + "feed")
            throw new ListingFormatException($"not an arXiv RSS or Atom feed: the root element is <{feed.RootQualifiedName}>");
        var entries = new List<ListingEntry>();
        var rejections = new ListingRejections();
        foreach (var (position, element, problem) in feed.Entries(isRss ? "item" : "entry"))
        {
            if (element is null)
            {
                rejections.Add(new ListingRejection(position, problem!));
                continue;
            }
            var (entry, reason) = Read(element, isRss ? XNamespace.None : Atom);
            if (entry is null) rejections.Add(new ListingRejection(position, reason!));
            else ListingEntryRules.Accept(entry, position, entries, rejections);
        }
        return new ParsedListing(entries, rejections);
    }

    private static (ListingEntry? Entry, string? Reason) Read(XElement item, XNamespace ns)
    {
        var description = Text(item, ns + (ns == XNamespace.None ? "description" : "summary"));
        var prefix = AnnouncePrefix().Match(description);
        var type = Text(item, Arxiv + "announce_type");
        if (type.Length == 0 && prefix.Success) type = prefix.Groups["type"].Value;
        type = type.ToLowerInvariant();
        if (type.Length > 0 && type is not ("new" or "cross" or "replace" or "replace-cross"))
            return (null, $"announce type '{ListingEntryRules.Shorten(type)}' is not new, cross or replace");
        if (prefix.Success) description = description[prefix.Length..];

        var id = Text(item, ns + (ns == XNamespace.None ? "guid" : "id"));
        var link = ns == XNamespace.None ? Text(item, "link") : (string?)item.Elements(Atom + "link").FirstOrDefault()?.Attribute("href");
        var arxivId = ArxivId.Normalize(id) ?? ArxivId.Normalize(link);

        // dc:creator is arXiv's author list; an Atom feed without it may name authors the Atom way. (RSS 2.0's own
        // <author> is an email address, never a name.)
        var creators = item.Elements(DublinCore + "creator").Select(c => c.Value).ToList();
        if (creators.Count == 0 && ns == Atom) creators.AddRange(item.Elements(Atom + "author").Select(a => a.Element(Atom + "name")?.Value ?? ""));
        var authors = creators.SelectMany(c => c.Split(',')).Select(ListingEntryRules.Clean)
            .Select(a => a.StartsWith("and ", StringComparison.Ordinal) ? a[4..] : a)
            .Where(a => a.Length > 0).ToList();

        var categories = new List<string>();
        foreach (var category in item.Elements(ns + "category"))
        {
            var term = ListingEntryRules.Clean((string?)category.Attribute("term") ?? category.Value);
            if (term.Length > 0 && !categories.Contains(term)) categories.Add(term);
        }

        var published = ns == XNamespace.None
            ? Date(item.Element("pubDate")?.Value)
            : Date(item.Element(Atom + "published")?.Value) ?? Date(item.Element(Atom + "updated")?.Value);
        return (new ListingEntry(Text(item, ns + "title"), ListingEntryRules.Clean(description))
        {
            ArxivId = arxivId,
            Authors = authors,
            Categories = categories,
            PublishedAt = published,
            AbsUrl = arxivId is null ? Url(link) : ArxivId.AbsUrl(arxivId),
            PdfUrl = arxivId is null ? null : ArxivId.PdfUrl(arxivId),
            UpdateOnly = type.StartsWith("replace", StringComparison.Ordinal),
        }, null);
    }
}
