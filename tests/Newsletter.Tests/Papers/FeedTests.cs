using System.Net;
using Newsletter.Digests;
using Newsletter.Matching;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Papers.PaperSteps;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Papers;

/// <summary>The Atom feeds over HTTP: parsed and checked against RFC 4287, stable ids, caching, 404s.</summary>
public class FeedTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task PapersFeed_IsValidAtom_WithEntryIdsThatStayTheSameAcrossRequestsAndRestarts()
    {
        IReadOnlyList<string> before;
        await using (var first = new NewsletterFactory(_workspace).Started())
        {
            await IngestRecentPapersAsync(first);
            var response = await Client(first).GetAsync("/papers.atom");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/atom+xml"));
            Assert.That(response.Headers.CacheControl?.Public, Is.True);
            Assert.That(response.Headers.CacheControl?.MaxAge, Is.EqualTo(TimeSpan.FromSeconds(900)));
            var feed = AtomFeedCheck.Parse(await response.Content.ReadAsStringAsync());
            before = AtomFeedCheck.EntryIds(feed);
            Assert.That(AtomFeedCheck.EntryTitles(feed), Has.Count.EqualTo(7).And.Contains("Quantized Mamba on Phones"));
            Assert.That(AtomFeedCheck.EntryIds(AtomFeedCheck.Parse(await Client(first).GetStringAsync("/papers.atom"))), Is.EqualTo(before));
        }
        await using var second = new NewsletterFactory(_workspace).Started();

        var again = AtomFeedCheck.Parse(await Client(second).GetStringAsync("/papers.atom"));

        Assert.That(AtomFeedCheck.EntryIds(again), Is.EqualTo(before), "the same papers keep their ids after a restart");
        Assert.That(before, Does.Contain("tag:localhost,2026:paper:2611.10001"), "ids are built from the paper's lasting key");
    }

    [Test]
    public async Task PapersFeed_CapsItsEntries()
    {
        await using var app = new NewsletterFactory(_workspace, new Dictionary<string, string?> { ["Papers:FeedEntries"] = "3" }).Started();
        await IngestRecentPapersAsync(app);

        var feed = AtomFeedCheck.Parse(await Client(app).GetStringAsync("/papers.atom"));

        Assert.That(AtomFeedCheck.Entries(feed), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task TopicFeed_HoldsOnlyThatTopicsMatches_AndAnUnknownSlugIs404()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        await IngestRecentPapersAsync(app);
        var client = Client(app);

        var response = await client.GetAsync("/topics/state-space-models.atom");
        var feed = AtomFeedCheck.Parse(await response.Content.ReadAsStringAsync());
        var unknown = await client.GetAsync("/topics/no-such-topic.atom");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(AtomFeedCheck.EntryTitles(feed), Is.EquivalentTo(new[] { "Selective State Spaces for Hour-Long Video", "Quantized Mamba on Phones" }));
        Assert.That(feed.Root!.Element(AtomFeedCheck.Atom + "title")!.Value, Does.Contain("State space models"));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task TopicFeed_AndPapersSearch_ShareThePreviewRateLimit_BecauseEachRunsAFullTextQuery()
    {
        await using var app = new NewsletterFactory(_workspace, new Dictionary<string, string?> { ["Subscriptions:PreviewPermitsPerMinute"] = "2" }).Started();
        var client = Client(app);

        var first = await client.GetAsync("/topics/diffusion.atom");
        var second = await client.GetAsync("/papers?q=mamba");
        var third = await client.GetAsync("/topics/diffusion.atom");
        var cheap = await client.GetAsync("/papers.atom");

        Assert.That(new[] { first.StatusCode, second.StatusCode }, Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(cheap.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the newest-papers feed reads by id and is not limited");
    }

    [Test]
    public async Task ReaderFeed_HoldsExactlyTheirDigestsPapers_AndIsLinkedFromTheirPreferences()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        await IngestRecentPapersAsync(app);
        var client = Client(app);
        var reader = AddReader(app, "feed@example.org");
        var other = AddReader(app, "other@example.org");
        long Paper(string arxivId) => Scalar<long>(app, "SELECT id FROM papers WHERE arxiv_id = @arxivId", new { arxivId });
        AddDigest(app, reader, "daily:2026-11-25", "sent", Paper("2611.10001"), Paper("2611.10003"));
        AddDigest(app, reader, "daily:2026-11-26", "pending", Paper("2611.10005"), Paper("2611.10001"));
        AddDigest(app, reader, "daily:2026-11-24", "failed", Paper("2611.10006"));
        AddDigest(app, other, "daily:2026-11-25", "sent", Paper("2611.10007"));
        var links = app.Get<SubscriptionLinks>();
        var feedPath = links.FeedPath(reader);

        var manage = await client.GetStringAsync(links.ManagePath(reader));
        var response = await client.GetAsync(feedPath);
        var feed = AtomFeedCheck.Parse(await response.Content.ReadAsStringAsync());

        Assert.That(manage, Does.Contain($"href=\"{feedPath}\""), "the preferences page links to the feed");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.CacheControl?.Private, Is.True, "no shared cache keeps a reader's feed");
        Assert.That(AtomFeedCheck.EntryTitles(feed), Is.EqualTo(new[]
        {
            "Quantized Mamba on Phones", "Selective State Spaces for Hour-Long Video", "Merging Fine-Tuned Models Without Retraining",
        }), "newest digest first, each paper once, nothing from failed rows or other readers");
        Assert.That(links.FeedPath(reader), Is.EqualTo(feedPath), "the link is derived, the same every time");
        Assert.That(links.FeedPath(other), Is.Not.EqualTo(feedPath));
    }

    [Test]
    public async Task ReaderFeed_IsNotFound_ForAnUnknownTokenOrAnotherPurposesToken()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var reader = AddReader(app, "feed@example.org");
        var manageToken = app.Get<SubscriptionLinks>().ManagePath(reader)["/manage/".Length..];

        var unknown = await client.GetAsync("/feeds/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.atom");
        var wrongPurpose = await client.GetAsync($"/feeds/{manageToken}.atom");

        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(wrongPurpose.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a manage token does not open the feed");
    }

    private static long AddReader(NewsletterFactory app, string email)
    {
        Execute(app, "INSERT INTO subscribers (email, state, created_at, confirmed_at) VALUES (@email, 'confirmed', '2026-11-20T08:00:00.000Z', '2026-11-20T08:00:00.000Z')", new { email });
        return Scalar<long>(app, "SELECT id FROM subscribers WHERE email = @email", new { email });
    }

    // The items frozen by the ledger's own writer, as planning freezes them.
    private static void AddDigest(NewsletterFactory app, long subscriberId, string period, string state, params long[] papers) =>
        Execute(app,
            """
            INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json)
            VALUES (@subscriberId, @period, @state, '2026-11-26T08:00:00.000Z', @period || '.' || @subscriberId || '@test', @items)
            """,
            new { subscriberId, period, state, items = FrozenItems.Write(papers.Select(p => new DigestItem(p, ["keyword:x"], 1)).ToList()) });
}
