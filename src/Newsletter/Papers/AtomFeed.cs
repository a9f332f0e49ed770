using System.Globalization;
using System.Net;
using System.Text;
using System.Xml;
using Microsoft.Extensions.Options;
using Newsletter.Web;

namespace Newsletter.Papers;

/// <summary>
/// Writes an Atom 1.0 feed (RFC 4287) of papers. Entry ids are tag URIs (RFC 4151) built from the site's host and
/// the paper's lasting key, so the same paper keeps its id across requests, restarts and feeds.
/// </summary>
public sealed class AtomFeed(IOptions<SiteOptions> site)
{
    public const string Namespace = "http://www.w3.org/2005/Atom";
    public const string ContentType = "application/atom+xml; charset=utf-8";

    // Feed readers show a summary, not a paper: longer abstracts are cut here so a feed stays small.
    private const int SummaryLength = 2000;
    private const int MaxAuthors = 20;

    private readonly string _siteHost = new Uri(site.Value.BaseUrl).Host;
    private readonly string _siteName = site.Value.Name;

    /// <summary>A tag URI for something on this site, e.g. <c>tag:example.org,2026:paper:2611.01234</c>.</summary>
    public string Id(string specific) => $"tag:{_siteHost},2026:{specific}";

    /// <summary>
    /// The feed document. <paramref name="alternateUrl"/> is the page showing the same papers, when there is one;
    /// <paramref name="feedback"/>, for a reader's own feed, gives each paper's "more / less like this" links, shown
    /// after its summary in the entry's HTML content.
    /// </summary>
    public string Write(string id, string title, string selfUrl, string? alternateUrl, IReadOnlyList<ListedPaper> papers, DateTimeOffset emptyUpdated,
        Func<ListedPaper, (string More, string Less)>? feedback = null)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = Encoding.UTF8 }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("feed", Namespace);
            xml.WriteElementString("id", Namespace, id);
            xml.WriteElementString("title", Namespace, Clean(title));
            xml.WriteElementString("updated", Namespace, Timestamp(papers.Count == 0 ? emptyUpdated : papers.Max(p => p.UpdatedAt)));
            Link(xml, "self", selfUrl, "application/atom+xml");
            if (alternateUrl is not null) Link(xml, "alternate", alternateUrl, "text/html");
            xml.WriteStartElement("author", Namespace);
            xml.WriteElementString("name", Namespace, Clean(_siteName));
            xml.WriteEndElement();
            xml.WriteElementString("generator", Namespace, _siteName);
            foreach (var paper in papers) Entry(xml, paper, feedback);
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        // StringBuilder output is declared UTF-16; the response is UTF-8.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    private void Entry(XmlWriter xml, ListedPaper paper, Func<ListedPaper, (string More, string Less)>? feedback)
    {
        xml.WriteStartElement("entry", Namespace);
        xml.WriteElementString("id", Namespace, Id("paper:" + paper.Key));
        xml.WriteElementString("title", Namespace, Clean(paper.Title));
        xml.WriteElementString("published", Namespace, Timestamp(paper.FirstSeenAt));
        xml.WriteElementString("updated", Namespace, Timestamp(paper.UpdatedAt));
        if (paper.Url is not null) Link(xml, "alternate", paper.Url, "text/html");
        if (paper.PdfUrl is not null) Link(xml, "related", paper.PdfUrl, "application/pdf");
        foreach (var author in paper.Authors.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(MaxAuthors))
        {
            xml.WriteStartElement("author", Namespace);
            xml.WriteElementString("name", Namespace, Clean(author));
            xml.WriteEndElement();
        }
        if (paper.ArxivId is not null)
        {
            xml.WriteStartElement("category", Namespace);
            xml.WriteAttributeString("term", "arXiv:" + paper.ArxivId);
            xml.WriteEndElement();
        }
        var summary = paper.Abstract.Length > SummaryLength ? paper.Abstract[..SummaryLength].TrimEnd() + "…" : paper.Abstract;
        var votes = paper.Upvotes is { } n ? $"{n} upvote{(n == 1 ? "" : "s")}. " : "";
        xml.WriteStartElement("summary", Namespace);
        xml.WriteAttributeString("type", "text");
        xml.WriteString(Clean(votes + summary));
        xml.WriteEndElement();
        if (feedback is not null)
        {
            // Feed readers show content over summary and make its links clickable; a text summary's would not be.
            var (more, less) = feedback(paper);
            xml.WriteStartElement("content", Namespace);
            xml.WriteAttributeString("type", "html");
            xml.WriteString($"<p>{WebUtility.HtmlEncode(Clean(votes + summary))}</p><p><a href=\"{WebUtility.HtmlEncode(more)}\">More like this</a> · " +
                $"<a href=\"{WebUtility.HtmlEncode(less)}\">Less like this</a></p>");
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    private static void Link(XmlWriter xml, string rel, string href, string type)
    {
        xml.WriteStartElement("link", Namespace);
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("type", type);
        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // A listing may carry characters XML 1.0 cannot hold (control characters); they are dropped rather than
    // letting one paper break the whole feed.
    private static string Clean(string text)
    {
        if (text.All(XmlConvert.IsXmlChar)) return text;
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i])) clean.Append(text[i]);
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i])) clean.Append(text, i++, 2);
        }
        return clean.ToString();
    }
}
