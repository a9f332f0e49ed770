using Newsletter.Digests;
using Newsletter.Listings;
using Newsletter.Matching;
using Newsletter.Subscriptions;
using Newsletter.Tests.Subscriptions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Web;

/// <summary>
/// The real executable serving a database with papers and readers in every state a page can show, and the links
/// to reach those pages (manage, unsubscribe, confirm valid/expired/used, a digest's "view in browser" copy).
/// Built once per browser fixture: the links are made in-process against the same SQLite file the server uses.
/// </summary>
public sealed class SiteWithReaders : IAsyncDisposable
{
    private readonly TestWorkspace _workspace = new();

    public ServedNewsletter Server { get; private set; } = null!;
    public string Manage { get; private set; } = "";
    public string ManageToDelete { get; private set; } = "";
    public string Unsubscribe { get; private set; } = "";
    public string ConfirmValid { get; private set; } = "";
    public string ConfirmForPost { get; private set; } = "";
    public string ConfirmExpired { get; private set; } = "";
    public string ConfirmUsed { get; private set; } = "";
    public string Archive { get; private set; } = "";

    public string Url(string path) => Server.BaseUrl + path;

    public static async Task<SiteWithReaders> StartAsync()
    {
        var site = new SiteWithReaders();
        await using (var app = new NewsletterFactory(site._workspace).Started())
        {
            var ingester = app.Get<ListingIngester>();
            await ingester.IngestAsync(RepositoryPaths.Fixture("Papers/recent-papers.json"), "recent", CancellationToken.None);
            await ingester.IngestAsync(RepositoryPaths.Fixture("Subscriptions/papers-page.txt"), "page", CancellationToken.None);
            var reader = Reader(app, "reader@example.org", "confirmed");
            var leaving = Reader(app, "leaving@example.org", "confirmed");
            var deleting = Reader(app, "deleting@example.org", "confirmed");
            var pending = Reader(app, "pending@example.org", "pending");
            var links = app.Get<SubscriptionLinks>();
            site.Manage = links.ManagePath(reader);
            site.ManageToDelete = links.ManagePath(deleting);
            site.Unsubscribe = links.UnsubscribePath(leaving);
            // Confirmation links come from the outbox rows; one is then spent and one expired, as readers meet them.
            var confirmations = app.Get<ConfirmationStore>();
            var now = DateTimeOffset.UtcNow;
            string Link() => confirmations.Token(confirmations.Queue(pending, null, now, now.AddHours(1)), now);
            site.ConfirmValid = "/confirm/" + Link();
            site.ConfirmForPost = "/confirm/" + Link();
            var expired = Link();
            SubscriptionSteps.Execute(app, "UPDATE confirmations SET expires_at = @past WHERE token_hash = @hash",
                new { past = now.AddHours(-1), hash = TokenStore.Hash(expired) });
            site.ConfirmExpired = "/confirm/" + expired;
            var used = Link();
            confirmations.Consume(used, now);
            site.ConfirmUsed = "/confirm/" + used;
            var papers = SubscriptionSteps.Scalar<string>(app, "SELECT group_concat(id) FROM (SELECT id FROM papers ORDER BY id LIMIT 3)").Split(',').Select(long.Parse);
            SubscriptionSteps.Execute(app,
                """
                INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json, sent_at)
                VALUES (@reader, 'daily:2026-11-26', 'sent', '2026-11-26T08:00:00.000Z', 'archive@test', @items, '2026-11-26T08:00:05.000Z')
                """,
                new { reader, items = FrozenItems.Write(papers.Select(p => new DigestItem(p, ["state-space-models"], 1)).ToList()) });
            site.Archive = "/digests/" + app.Get<DigestArchive>().Token(SubscriptionSteps.Scalar<long>(app, "SELECT id FROM deliveries"));
        }
        site.Server = await ServedNewsletter.StartAsync(site._workspace);
        return site;
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        _workspace.Dispose();
    }

    private static long Reader(NewsletterFactory app, string email, string state)
    {
        SubscriptionSteps.Execute(app,
            """
            INSERT INTO subscribers (email, state, created_at, confirmed_at) VALUES (@email, @state, '2026-11-20T08:00:00.000Z',
                CASE WHEN @state = 'confirmed' THEN '2026-11-20T08:00:00.000Z' END)
            """,
            new { email, state });
        var id = SubscriptionSteps.Scalar<long>(app, "SELECT id FROM subscribers WHERE email = @email", new { email });
        SubscriptionSteps.Execute(app,
            "INSERT INTO subscriber_filters (subscriber_id, kind, value) VALUES (@id, 'topic', 'state-space-models'), (@id, 'keyword', 'mamba')", new { id });
        return id;
    }
}
