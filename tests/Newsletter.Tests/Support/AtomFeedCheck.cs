using System.Globalization;
using System.Xml.Linq;

namespace Newsletter.Tests.Support;

/// <summary>
/// Parses an Atom feed and checks what RFC 4287 requires of it: a feed with one id (an absolute IRI), title and
/// updated (an RFC 3339 date-time); an author on the feed or on every entry; a self link; and each entry with one
/// absolute id, a title, an updated date and an alternate link or a summary, no two entries sharing an id.
/// </summary>
public static class AtomFeedCheck
{
    public static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    /// <summary>The parsed feed, after every check has passed.</summary>
    public static XDocument Parse(string xml)
    {
        var document = XDocument.Parse(xml);
        var feed = document.Root!;
        Assert.That(feed.Name, Is.EqualTo(Atom + "feed"), "the root is an Atom feed");
        CheckId(feed, "feed");
        Assert.That(Single(feed, "title", "feed").Value, Is.Not.Empty, "the feed has a title");
        CheckDate(Single(feed, "updated", "feed").Value, "feed updated");
        Assert.That(feed.Elements(Atom + "link").Any(l => (string?)l.Attribute("rel") == "self" && Uri.IsWellFormedUriString((string?)l.Attribute("href"), UriKind.Absolute)),
            "the feed links to itself with an absolute URL");
        var feedHasAuthor = feed.Elements(Atom + "author").Any(a => !string.IsNullOrWhiteSpace(a.Element(Atom + "name")?.Value));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in Entries(document))
        {
            var id = CheckId(entry, "entry");
            Assert.That(ids.Add(id), Is.True, $"entry id {id} appears once");
            Assert.That(Single(entry, "title", id).Value, Is.Not.Empty, $"{id} has a title");
            CheckDate(Single(entry, "updated", id).Value, id + " updated");
            foreach (var published in entry.Elements(Atom + "published")) CheckDate(published.Value, id + " published");
            Assert.That(feedHasAuthor || entry.Elements(Atom + "author").Any(), Is.True, $"{id} has an author, or the feed has one");
            Assert.That(entry.Elements(Atom + "link").Any(l => (string?)l.Attribute("rel") is null or "alternate") || entry.Element(Atom + "summary") is not null,
                Is.True, $"{id} has an alternate link or a summary");
        }
        return document;
    }

    public static IReadOnlyList<XElement> Entries(XDocument feed) => feed.Root!.Elements(Atom + "entry").ToList();

    public static IReadOnlyList<string> EntryIds(XDocument feed) => Entries(feed).Select(e => e.Element(Atom + "id")!.Value).ToList();

    public static IReadOnlyList<string> EntryTitles(XDocument feed) => Entries(feed).Select(e => e.Element(Atom + "title")!.Value).ToList();

    private static XElement Single(XElement parent, string name, string what)
    {
        var found = parent.Elements(Atom + name).ToList();
        Assert.That(found, Has.Count.EqualTo(1), $"{what} has exactly one <{name}>");
        return found[0];
    }

    private static string CheckId(XElement element, string what)
    {
        var id = Single(element, "id", what).Value;
        Assert.That(Uri.TryCreate(id, UriKind.Absolute, out _), Is.True, $"{what} id '{id}' is an absolute IRI");
        return id;
    }

    private static void CheckDate(string text, string what) =>
        Assert.That(DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture,
            DateTimeStyles.None, out _), Is.True, $"{what} '{text}' is an RFC 3339 date-time");
}
