using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Delivery;
using Newsletter.Listings;
using Newsletter.Mail;
using Newsletter.Subscriptions;
using Newsletter.Templates;
using Newsletter.Web;
using Scriban.Runtime;

namespace Newsletter.Digests;

/// <summary>Turns a ledger row into the email a reader receives: frozen papers rendered through the digest templates.</summary>
public sealed class DigestComposer(
    SubscriberStore subscribers,
    PaperStore papers,
    TopicCatalog topics,
    SubscriptionLinks links,
    TemplateCatalog templates,
    Mailer mailer,
    IOptions<SiteOptions> site)
{
    /// <summary>Renders the row's frozen papers into a message (without delivery headers) and the links it carries.</summary>
    public ComposedDigest Compose(DeliveryRow row)
    {
        var subscriber = subscribers.Find(row.SubscriberId)
            ?? throw new InvalidOperationException($"Delivery {row.Id}: subscriber {row.SubscriberId} no longer exists");
        var items = DeliveryStore.Items(row);
        var byId = papers.Get(items.Select(i => i.Paper).ToList()).ToDictionary(p => p.Id);
        var readerLinks = links.ForDigest(subscriber.Id, items.SelectMany(i => i.Topics).Where(t => topics.Find(t) is not null));

        var model = new ScriptObject
        {
            ["site_name"] = site.Value.Name,
            ["base_url"] = site.Value.BaseUrl,
            ["email"] = subscriber.Email,
            ["count"] = items.Count,
            ["period_from"] = row.WindowFrom?.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture),
            ["period_to"] = row.WindowTo?.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture),
            ["date"] = (row.WindowTo ?? row.CreatedAt).ToString("d MMM", System.Globalization.CultureInfo.InvariantCulture),
            ["manage_url"] = readerLinks.Manage,
            ["unsubscribe_url"] = readerLinks.Unsubscribe,
            ["papers"] = items.Where(i => byId.ContainsKey(i.Paper)).Select(i => PaperModel(byId[i.Paper], i)).ToList(),
        };
        var subject = templates.Render("digest.subject.sbn", model).Trim();
        var message = mailer.Compose(
            MailboxAddress.Parse(subscriber.Email), subject,
            templates.Render("digest.html.sbn", model), templates.Render("digest.txt.sbn", model), row.MessageId);
        return new ComposedDigest(message, readerLinks);
    }

    private ScriptObject PaperModel(Paper paper, DigestItem item) => new()
    {
        ["title"] = paper.Title,
        ["url"] = paper.AbsUrl ?? paper.HfUrl ?? (paper.ArxivId is null ? null : $"https://arxiv.org/abs/{paper.ArxivId}"),
        ["authors"] = paper.Authors,
        ["abstract"] = Excerpt(paper.Abstract, 400),
        ["topics"] = item.Topics.Select(t => topics.Find(t)?.Name ?? t).ToList(),
        ["pdf_url"] = paper.PdfUrl,
        ["hf_url"] = paper.HfUrl,
        ["upvotes"] = paper.Upvotes,
    };

    private static string Excerpt(string text, int max)
    {
        if (text.Length <= max) return text;
        var cut = text.LastIndexOf(' ', max);
        return text[..(cut > max / 2 ? cut : max)] + "…";
    }
}
