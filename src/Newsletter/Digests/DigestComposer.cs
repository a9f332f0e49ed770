using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Delivery;
using Newsletter.Listings;
using Newsletter.Mail;
using Newsletter.Subscriptions;
using Newsletter.Web;

namespace Newsletter.Digests;

/// <summary>Turns a ledger row into the email a reader receives: frozen papers rendered through the digest templates.</summary>
public sealed class DigestComposer(
    SubscriberStore subscribers,
    PaperStore papers,
    TopicCatalog topics,
    SubscriptionLinks links,
    DigestArchive archive,
    DigestRenderer renderer,
    MatchHighlighter highlighter,
    Mailer mailer,
    TimeProvider clock,
    IOptions<SiteOptions> site)
{
    /// <summary>Renders the row's frozen papers into a message (without delivery headers) and the links it carries.</summary>
    public ComposedDigest Compose(DeliveryRow row)
    {
        var subscriber = subscribers.Find(row.SubscriberId)
            ?? throw new InvalidOperationException($"Delivery {row.Id}: subscriber {row.SubscriberId} no longer exists");
        var items = DeliveryStore.Items(row);
        var readerLinks = links.ForDigest(subscriber.Id, items.SelectMany(i => i.Topics).Where(t => FilterLabel.Topic(t, topics) is not null));
        var archiveUrl = site.Value.Link("digests/" + archive.Issue(row.Id, clock.GetUtcNow()));
        var rendered = renderer.Render(Content(subscriber, row.WindowFrom ?? row.CreatedAt, row.WindowTo ?? row.CreatedAt, items, readerLinks) with
        {
            ArchiveUrl = archiveUrl,
        });
        var message = mailer.Compose(MailboxAddress.Parse(subscriber.Email), rendered.Subject, rendered.Html, rendered.Text, row.MessageId);
        return new ComposedDigest(message, readerLinks);
    }

    /// <summary>The archive ("view in browser") page of a ledger row: the same digest, without the reader's personal links.</summary>
    public string ArchivePage(DeliveryRow row)
    {
        var subscriber = subscribers.Find(row.SubscriberId) ?? new Subscriber { Id = row.SubscriberId };
        var items = DeliveryStore.Items(row);
        var none = new DigestLinks("", "", new Dictionary<string, string>());
        return renderer.Render(Content(subscriber, row.WindowFrom ?? row.CreatedAt, row.WindowTo ?? row.CreatedAt, items, none) with
        {
            IsArchive = true,
        }).Html;
    }

    /// <summary>A planned (not stored) digest rendered with placeholder links, for <c>preview</c>: issues no tokens.</summary>
    public RenderedDigest Preview(Subscriber subscriber, PlannedDigest digest)
    {
        var placeholder = site.Value.Link("…");
        var stops = digest.Items.SelectMany(i => i.Topics).Where(t => FilterLabel.Topic(t, topics) is not null).Distinct()
            .ToDictionary(t => t, _ => placeholder);
        return renderer.Render(Content(subscriber, digest.WindowFrom, digest.WindowTo, digest.Items,
            new DigestLinks(placeholder, placeholder, stops)));
    }

    private DigestContent Content(Subscriber subscriber, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<DigestItem> items, DigestLinks readerLinks)
    {
        var byId = papers.Get(items.Select(i => i.Paper).ToList()).ToDictionary(p => p.Id);
        var found = items.Where(i => byId.ContainsKey(i.Paper)).ToList();
        var marked = Highlight(found.Select(i => (byId[i.Paper], i.Topics)).ToList());
        var entries = found.Select((i, n) => new DigestEntry(byId[i.Paper], i.Topics, marked[n])).ToList();
        return new DigestContent
        {
            SiteName = site.Value.Name,
            Email = subscriber.Email,
            TimeZone = subscriber.Timezone,
            WindowFrom = from,
            WindowTo = to,
            Entries = entries,
            Links = readerLinks,
        };
    }

    /// <summary>
    /// Each abstract with the terms the reader's filters matched marked (see <see cref="MatchHighlighter"/>), in
    /// one pass for the digest. Falls back to the plain abstract.
    /// </summary>
    private IReadOnlyList<string> Highlight(IReadOnlyList<(Paper Paper, IReadOnlyList<string> Labels)> entries)
    {
        var queries = entries.Select(e => string.Join(" OR ", e.Labels.Select(l => FilterLabel.Query(l, topics))
            .OfType<string>().Where(q => !string.IsNullOrWhiteSpace(q)).Select(q => $"({q})"))).ToList();
        var asked = Enumerable.Range(0, entries.Count).Where(i => queries[i].Length > 0).ToList();
        var marked = asked.Count == 0 ? [] : highlighter.Highlight(asked.Select(i => (entries[i].Paper, queries[i])).ToList());
        var abstracts = entries.Select(e => e.Paper.Abstract).ToArray();
        for (var n = 0; n < asked.Count; n++) abstracts[asked[n]] = marked[n] ?? abstracts[asked[n]];
        return abstracts;
    }
}
