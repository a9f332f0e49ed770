using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Digests;
using Newsletter.Listings;
using Newsletter.Mail;
using Newsletter.Matching;
using Newsletter.Subscriptions;
using Newsletter.Web;

namespace Newsletter.Delivery;

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
    IOptions<SiteOptions> site)
{
    /// <summary>Renders the row's frozen papers into a message (without delivery headers) and the links it carries.</summary>
    public ComposedDigest Compose(DeliveryRow row) => Compose(row, Load([row]));

    /// <summary>
    /// Loads what composing these rows needs in a few queries (readers, their link tokens, the papers), for a
    /// sending batch. With <paramref name="shared"/>, readers who get the same papers share one render.
    /// </summary>
    public DigestBatch Load(IReadOnlyList<DeliveryRow> rows, SharedRenders? shared = null)
    {
        var items = new Dictionary<long, IReadOnlyList<DigestItem>>();
        foreach (var row in rows)
        {
            // A row whose items cannot be read fails on its own in Compose; the rest of the batch goes on.
            try { items[row.Id] = DeliveryStore.Items(row); }
            catch (Exception e) when (e is System.Text.Json.JsonException or FormatException) { }
        }
        var readers = subscribers.Find(rows.Select(r => r.SubscriberId).Distinct().ToList());
        var tokens = links.TokensFor(readers.Keys.ToList());
        var byId = papers.Get(items.Values.SelectMany(i => i).Select(i => i.Paper).Distinct().ToList()).ToDictionary(p => p.Id);
        return new DigestBatch(readers, tokens, byId, items, shared);
    }

    /// <summary>Composes one row of a batch from <see cref="Load"/>.</summary>
    public ComposedDigest Compose(DeliveryRow row, DigestBatch batch)
    {
        var subscriber = batch.Subscribers.GetValueOrDefault(row.SubscriberId)
            ?? throw new InvalidOperationException($"Delivery {row.Id}: subscriber {row.SubscriberId} no longer exists");
        var items = batch.Items.GetValueOrDefault(row.Id) ?? DeliveryStore.Items(row);
        var (slugs, keywords) = Filters(items);
        var tokens = batch.Tokens[subscriber.Id];
        var readerLinks = links.ForDigest(tokens, slugs, keywords);
        var archiveToken = archive.Token(row.Id);
        var period = PeriodOf(row, subscriber);
        RenderedDigest? rendered = null;
        if (batch.Shared is { } shared)
        {
            // Same papers and period: the same email but for the reader's own values.
            var key = string.Join('\n', period.Key, row.ItemsJson);
            var template = shared.Get(key, () => renderer.Render(
                Content(subscriber with { Email = shared.EmailStandIn }, period, items, links.ForDigest(shared.TokensStandIn, slugs, keywords), batch.Papers) with
                {
                    ArchiveUrl = site.Value.Link("digests/" + shared.ArchiveStandIn),
                }));
            rendered = shared.Fill(template, subscriber.Email, tokens, archiveToken);
        }
        rendered ??= renderer.Render(Content(subscriber, period, items, readerLinks, batch.Papers) with
        {
            ArchiveUrl = site.Value.Link("digests/" + archiveToken),
        });
        var message = mailer.Compose(MailboxAddress.Parse(subscriber.Email), rendered.Subject, rendered.Html, rendered.Text, row.MessageId);
        return new ComposedDigest(message, readerLinks);
    }

    /// <summary>
    /// The archive ("view in browser") page of a ledger row: the same digest, without the reader's personal links,
    /// and with a way for whoever reads it to subscribe.
    /// </summary>
    public string ArchivePage(DeliveryRow row)
    {
        var subscriber = subscribers.Find(row.SubscriberId) ?? new Subscriber { Id = row.SubscriberId };
        var items = DeliveryStore.Items(row);
        var none = new DigestLinks("", "", new Dictionary<string, string>());
        return renderer.Render(Content(subscriber, PeriodOf(row, subscriber), items, none, PapersOf(items)) with
        {
            IsArchive = true,
            SubscribeUrl = site.Value.Link("/"),
        }).Html;
    }

    /// <summary>A planned (not stored) digest rendered with placeholder links, for <c>preview</c>: issues no tokens.</summary>
    public RenderedDigest Preview(Subscriber subscriber, PlannedDigest digest)
    {
        var placeholder = site.Value.Link("…");
        var (slugs, keywords) = Filters(digest.Items);
        var period = DigestPeriod.Parse(digest.PeriodKey) ?? LocalDay(subscriber, digest.WindowTo);
        return renderer.Render(Content(subscriber, period, digest.Items,
            new DigestLinks(placeholder, placeholder, slugs.ToDictionary(s => s, _ => placeholder))
            {
                KeywordStops = keywords.ToDictionary(k => k, _ => placeholder),
            },
            PapersOf(digest.Items)));
    }

    /// <summary>The catalog topics and the keyword queries a digest's papers matched: each gets a stop link.</summary>
    private (List<string> Slugs, List<string> Keywords) Filters(IReadOnlyList<DigestItem> items)
    {
        var labels = items.SelectMany(i => i.Topics).Distinct(StringComparer.Ordinal).ToList();
        return (labels.Where(l => FilterLabel.Topic(l, topics) is not null).ToList(), labels.Select(FilterLabel.Keyword).OfType<string>().ToList());
    }

    /// <summary>The one date of a row: its period key, or (for a key in no known format) the reader's local day it was planned.</summary>
    private static DigestPeriod PeriodOf(DeliveryRow row, Subscriber subscriber) =>
        DigestPeriod.Parse(row.PeriodKey) ?? LocalDay(subscriber, row.WindowTo ?? row.CreatedAt);

    private static DigestPeriod LocalDay(Subscriber subscriber, DateTimeOffset at) =>
        DigestPeriod.Of(false, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, DigestSchedule.FindZone(subscriber.Timezone)).DateTime));

    private Dictionary<long, Paper> PapersOf(IReadOnlyList<DigestItem> items) =>
        papers.Get(items.Select(i => i.Paper).ToList()).ToDictionary(p => p.Id);

    private DigestContent Content(
        Subscriber subscriber, DigestPeriod period, IReadOnlyList<DigestItem> items, DigestLinks readerLinks, IReadOnlyDictionary<long, Paper> byId)
    {
        var found = items.Where(i => byId.ContainsKey(i.Paper)).ToList();
        var marked = Highlight(found.Select(i => (byId[i.Paper], i.Topics)).ToList());
        var entries = found.Select((i, n) => new DigestEntry(byId[i.Paper], i.Topics, marked[n])).ToList();
        return new DigestContent
        {
            SiteName = site.Value.Name,
            Email = subscriber.Email,
            Period = period,
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
