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
    Mailer mailer,
    IOptions<SiteOptions> site,
    ILogger<DigestComposer> logger)
{
    /// <summary>Renders the row's frozen papers into a message (without delivery headers) and the links it carries; dispose the message once sent.</summary>
    public ComposedDigest Compose(DeliveryRow row) => Compose(row, Load([row]));

    /// <summary>
    /// Loads what composing these rows needs in a few queries (readers, their link tokens, the papers) and renders
    /// what of their papers <paramref name="fragments"/> (a sending run's, or this batch's own) does not hold yet: each
    /// paper once for all the digests holding it, each reader's pieces once per list of filters or highlights.
    /// </summary>
    public DigestBatch Load(IReadOnlyList<DeliveryRow> rows, PaperFragments? fragments = null)
    {
        fragments ??= new PaperFragments();
        // One pass over the rows for what the queries need, one over the items for the entries (not a LINQ chain each).
        var items = new Dictionary<long, IReadOnlyList<DigestItem>>(rows.Count);
        var readerIds = new HashSet<long>();
        var paperIds = new HashSet<long>();
        foreach (var row in rows)
        {
            readerIds.Add(row.SubscriberId);
            IReadOnlyList<DigestItem> rowItems;
            // A row whose items cannot be read fails on its own in Compose; the rest of the batch goes on.
            try { rowItems = DeliveryStore.Items(row); }
            catch (Exception e) when (e is System.Text.Json.JsonException or FormatException) { continue; }
            items[row.Id] = rowItems;
            foreach (var item in rowItems) paperIds.Add(item.Paper);
        }
        var readers = subscribers.Find(readerIds);
        var tokens = links.TokensFor(readers.Keys.ToList());
        var byId = Papers(paperIds, fragments);
        // Each row's papers as entries whose every part was rendered at most once this run.
        var entries = new Dictionary<long, IReadOnlyList<DigestEntry>>(items.Count);
        var missing = 0;
        foreach (var (row, rowItems) in items)
        {
            var rowEntries = new List<DigestEntry>(rowItems.Count);
            foreach (var item in rowItems)
            {
                if (byId.TryGetValue(item.Paper, out var paper)) rowEntries.Add(fragments.Entry(paper, item, renderer));
                else
                {
                    // A frozen paper deleted since planning is left out of its digest; said, so an operator can see it happened.
                    missing++;
                    logger.LogWarning("Delivery {Id}: frozen paper {Paper} no longer exists; the digest goes without it", row, item.Paper);
                }
            }
            entries[row] = rowEntries;
        }
        return new DigestBatch(readers, tokens, byId, items, entries) { MissingPapers = missing, Frames = fragments.Frames };
    }

    /// <summary>
    /// The papers of <paramref name="ids"/> that still exist: as the run read them before where they have not changed
    /// since (a run's batches hold the same few hundred papers), the rest read now.
    /// </summary>
    private Dictionary<long, Paper> Papers(IReadOnlyCollection<long> ids, PaperFragments fragments)
    {
        // The papers' version first: while no paper changed, those the run holds need no change time read (a batch
        // asked ~300 of them, each a row of ~1 KB, read from a page cache every other connection's write empties).
        var version = papers.Version();
        var byId = new Dictionary<long, Paper>(ids.Count);
        var unsure = new List<long>();
        foreach (var id in ids)
        {
            if (fragments.Unchanged(id, version) is { } paper) byId[id] = paper;
            else unsure.Add(id);
        }
        if (unsure.Count == 0) return byId;
        // Change times next: a paper changed between the two reads is kept with the older time and read again next batch.
        var changedAt = papers.ChangedAt(unsure);
        var unread = new List<long>();
        foreach (var (id, at) in changedAt)
        {
            if (fragments.Read(id, at, version) is { } paper) byId[id] = paper;
            else unread.Add(id);
        }
        foreach (var paper in papers.Get(unread))
        {
            byId[paper.Id] = paper;
            fragments.Remember(paper, changedAt[paper.Id], version);
        }
        return byId;
    }

    /// <summary>Composes one row of a batch from <see cref="Load"/>.</summary>
    public ComposedDigest Compose(DeliveryRow row, DigestBatch batch)
    {
        var subscriber = batch.Subscribers.GetValueOrDefault(row.SubscriberId)
            ?? throw new InvalidOperationException($"Delivery {row.Id}: subscriber {row.SubscriberId} no longer exists");
        var items = batch.Items.GetValueOrDefault(row.Id) ?? DeliveryStore.Items(row);
        var (slugs, keywords) = Filters(items);
        var readerLinks = links.ForDigest(batch.Tokens[subscriber.Id], slugs, keywords);
        var content = Content(subscriber, PeriodOf(row, subscriber), batch.Entries.GetValueOrDefault(row.Id) ?? Entries(items, batch.Papers), readerLinks) with
        {
            ArchiveUrl = site.Value.Link("digests/" + archive.Token(row.Id)),
            Frames = batch.Frames,
        };
        // The templates write straight into the message's bytes: the digest is never a string of its own.
        var body = new AlternativeBody();
        var subject = renderer.Write(content, body);
        return new ComposedDigest(mailer.Compose(MailboxAddress.Parse(subscriber.Email), subject, row.MessageId, body), readerLinks);
    }

    /// <summary>
    /// The archive ("view in browser") page of a ledger row: the same digest, without the reader's personal links,
    /// with "more / less like this" under the page's own token (<see cref="ArchiveFeedback"/>) while its reader
    /// still receives digests, and with a way for whoever reads it to subscribe.
    /// </summary>
    public string ArchivePage(DeliveryRow row)
    {
        var found = subscribers.Find(row.SubscriberId);
        var subscriber = found ?? new Subscriber { Id = row.SubscriberId };
        var items = DeliveryStore.Items(row);
        var none = new DigestLinks("", "", new Dictionary<string, string>());
        return renderer.Render(Content(subscriber, PeriodOf(row, subscriber), Entries(items, PapersOf(items)), none) with
        {
            IsArchive = true,
            FeedbackUrl = ArchiveFeedback.Marker(found) is null ? null : site.Value.Link($"{ArchiveFeedback.Scope}/{archive.Token(row.Id)}"),
            SubscribeUrl = site.Value.Link("/"),
        }).Html;
    }

    /// <summary>A planned (not stored) digest rendered with placeholder links, for <c>preview</c>: issues no tokens.</summary>
    public RenderedDigest Preview(Subscriber subscriber, PlannedDigest digest)
    {
        var placeholder = site.Value.Link("…");
        var (slugs, keywords) = Filters(digest.Items);
        var period = DigestPeriod.Parse(digest.PeriodKey) ?? LocalDay(subscriber, digest.WindowTo);
        return renderer.Render(Content(subscriber, period, Entries(digest.Items, PapersOf(digest.Items)),
            new DigestLinks(placeholder, placeholder, slugs.ToDictionary(s => s, _ => placeholder))
            {
                KeywordStops = keywords.ToDictionary(k => k, _ => placeholder),
            }));
    }

    /// <summary>The catalog topics and the keyword queries a digest's papers matched: each gets a stop link.</summary>
    private (List<string> Slugs, List<string> Keywords) Filters(IReadOnlyList<DigestItem> items)
    {
        // One pass, in the order first met (a digest's 20 papers share a few labels): no LINQ chain a digest.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var slugs = new List<string>();
        var keywords = new List<string>();
        foreach (var item in items)
        {
            foreach (var label in item.Labels)
            {
                if (!seen.Add(label)) continue;
                if (FilterLabel.Keyword(label) is { } keyword) keywords.Add(keyword);
                else if (topics.Find(label) is not null) slugs.Add(label);
            }
        }
        return (slugs, keywords);
    }

    /// <summary>The one date of a row: its period key, or (for a key in no known format) the reader's local day it was planned.</summary>
    private static DigestPeriod PeriodOf(DeliveryRow row, Subscriber subscriber) =>
        DigestPeriod.Parse(row.PeriodKey) ?? LocalDay(subscriber, row.WindowTo ?? row.CreatedAt);

    private static DigestPeriod LocalDay(Subscriber subscriber, DateTimeOffset at) =>
        DigestPeriod.Of(false, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, DigestSchedule.FindZone(subscriber.Timezone)).DateTime));

    private Dictionary<long, Paper> PapersOf(IReadOnlyList<DigestItem> items) =>
        papers.Get(items.Select(i => i.Paper).ToList()).ToDictionary(p => p.Id);

    private DigestContent Content(Subscriber subscriber, DigestPeriod period, IReadOnlyList<DigestEntry> entries, DigestLinks readerLinks) => new()
    {
        SiteName = site.Value.Name,
        Email = subscriber.Email,
        Period = period,
        Entries = entries,
        Links = readerLinks,
    };

    /// <summary>The items whose papers still exist, as entries.</summary>
    private static List<DigestEntry> Entries(IReadOnlyList<DigestItem> items, IReadOnlyDictionary<long, Paper> byId) =>
        items.Where(i => byId.ContainsKey(i.Paper)).Select(i => Entry(byId[i.Paper], i)).ToList();

    /// <summary>The paper with the words of its abstract that planning decided to highlight marked.</summary>
    private static DigestEntry Entry(Paper paper, DigestItem item) => new(paper, item.Labels, DigestExcerpt.Mark(paper.Abstract, item.MarkList()));
}
