using System.Net;
using System.Xml.Linq;
using Newsletter.Digests;
using Newsletter.Matching;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.ForYou;

/// <summary>
/// "More / less like this" in a reader's Atom feed: each entry links under the feed's own token (never the manage
/// token), a GET shows, the POST records for that reader only, undo restores; forged and replayed links change nothing.
/// </summary>
public class FeedFeedbackTests
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private async Task<(NewsletterFactory App, HttpClient Client, long Reader, string Feed, long Paper)> ReaderWithFeedAsync()
    {
        var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var reader = await SubscribeConfirmedAsync(app, client, _workspace, new { email = "feed@example.org", topics = new[] { "diffusion" } }, "feed@example.org");
        await IngestFixtureAsync(app);
        var paper = Scalar<long>(app, "SELECT id FROM papers WHERE title = 'Latent Diffusion for Protein Design'");
        Execute(app,
            """
            INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json)
            VALUES (@reader, 'daily:2026-11-25', 'sent', '2026-11-26T08:00:00.000Z', 'feed-test@test', @items)
            """,
            new { reader, items = FrozenItems.Write([new DigestItem(paper, ["topic:diffusion"], 1)]) });
        var feed = app.Get<SubscriptionLinks>().FeedPath(reader);
        return (app, client, reader, feed[..^".atom".Length], paper);
    }

    private static long Marks(NewsletterFactory app) => Scalar<long>(app, "SELECT count(*) FROM reader_marks");

    [Test]
    public async Task ReaderFeed_EntriesLinkMoreAndLessLikeThis_UnderTheFeedToken_NotTheManageToken()
    {
        var (app, client, reader, feed, paper) = await ReaderWithFeedAsync();
        await using var _app = app;

        var xml = XDocument.Parse(await client.GetStringAsync(feed + ".atom"));
        var content = xml.Root!.Elements(Atom + "entry").Single().Element(Atom + "content");

        Assert.That(content?.Attribute("type")?.Value, Is.EqualTo("html"));
        var html = content!.Value;
        Assert.That(html, Does.Contain($"{feed}/more/{paper}\">More like this</a>").And.Contain($"{feed}/less/{paper}\">Less like this</a>"));
        var manageToken = app.Get<SubscriptionLinks>().ManagePath(reader)["/manage/".Length..];
        Assert.That(xml.ToString(), Does.Not.Contain(manageToken), "a feed reader holds the feed's URL; it must not get the preferences");
    }

    [Test]
    public async Task TopicFeed_HasNoFeedbackLinks()
    {
        var (app, client, _, _, _) = await ReaderWithFeedAsync();
        await using var _app = app;

        var xml = XDocument.Parse(await client.GetStringAsync("/papers.atom"));

        Assert.That(xml.Root!.Elements(Atom + "entry").Count(), Is.GreaterThan(0));
        Assert.That(xml.Descendants(Atom + "content"), Is.Empty);
    }

    [Test]
    public async Task FeedLink_GetShows_PostRecordsForThatReader_UndoClearsIt()
    {
        var (app, client, reader, feed, paper) = await ReaderWithFeedAsync();
        await using var _app = app;

        var shown = await client.GetAsync($"{feed}/less/{paper}");
        Assert.That(shown.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var page = await shown.Content.ReadAsStringAsync();
        Assert.That(page, Does.Contain("id=\"mark-button\"").And.Not.Contain("/manage/").And.Not.Contain("id=\"mark-note\""));
        Assert.That(Marks(app), Is.Zero, "a feed reader fetching the link records nothing");

        var marked = await PostFormAsync(client, $"{feed}/less/{paper}", $"{feed}/less/{paper}");
        Assert.That(marked.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var answer = await marked.Content.ReadAsStringAsync();
        Assert.That(answer, Does.Contain("id=\"undo-button\"").And.Contain($"action=\"{feed}/undo/{paper}\"").And.Not.Contain("/manage/"));
        Assert.That(Scalar<string>(app, "SELECT subscriber_id || ':' || kind || ':' || source FROM reader_marks WHERE paper_id = @paper", new { paper }),
            Is.EqualTo($"{reader}:less:digest"));

        var undone = await PostFormAsync(client, $"{feed}/less/{paper}", $"{feed}/undo/{paper}", ("previous", ""));
        Assert.That(undone.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await undone.Content.ReadAsStringAsync(), Does.Contain("Undone"));
        Assert.That(Marks(app), Is.Zero);
    }

    [Test]
    public async Task ForgedFeedToken_OrAManageTokenUnderFeeds_IsAnUnknownLink_AndRecordsNothing()
    {
        var (app, client, reader, feed, paper) = await ReaderWithFeedAsync();
        await using var _app = app;
        var forged = "/feeds/" + new string('A', 43);
        var manageAsFeed = "/feeds/" + app.Get<SubscriptionLinks>().ManagePath(reader)["/manage/".Length..];

        var get = await client.GetAsync($"{forged}/more/{paper}");
        var post = await PostFormAsync(client, $"{feed}/more/{paper}", $"{forged}/more/{paper}");
        var wrongPurpose = await PostFormAsync(client, $"{feed}/more/{paper}", $"{manageAsFeed}/more/{paper}");

        Assert.That((get.StatusCode, post.StatusCode, wrongPurpose.StatusCode),
            Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound)));
        Assert.That(Marks(app), Is.Zero);
    }

    [Test]
    public async Task ReplayedFeedPost_KeepsOneMark()
    {
        var (app, client, _, feed, paper) = await ReaderWithFeedAsync();
        await using var _app = app;

        await PostFormAsync(client, $"{feed}/more/{paper}", $"{feed}/more/{paper}");
        var replay = await PostFormAsync(client, $"{feed}/more/{paper}", $"{feed}/more/{paper}");

        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await replay.Content.ReadAsStringAsync(), Does.Contain("name=\"previous\" value=\"\""));
        Assert.That(Marks(app), Is.EqualTo(1));
    }

    [Test]
    public async Task FeedPost_PastTheMostMarks_IsRefusedNamingTheLimit()
    {
        var (app, client, reader, feed, paper) = await ReaderWithFeedAsync();
        await using var _app = app;
        // Fill the reader's marks to the limit on other papers, written directly: the limit, not the way there, is tested.
        Execute(app,
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @max)
            INSERT INTO papers (paper_key, title, normalized_title, abstract, first_seen_at, updated_at)
            SELECT 'title:filler-' || i, 'Filler ' || i, 'filler ' || i, 'filler', '2026-11-20T00:00:00.000Z', '2026-11-20T00:00:00.000Z' FROM n
            """, new { max = Newsletter.ForYou.MarkStore.MaxMarks });
        Execute(app,
            """
            INSERT INTO reader_marks (subscriber_id, paper_id, kind, source, created_at)
            SELECT @reader, id, 'more', 'digest', '2026-11-26T08:00:00.000Z' FROM papers WHERE title LIKE 'Filler %'
            """, new { reader });

        var refused = await PostFormAsync(client, $"{feed}/more/{paper}", $"{feed}/more/{paper}");

        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain($"You have {Newsletter.ForYou.MarkStore.MaxMarks} marks"));
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM reader_marks WHERE paper_id = @paper", new { paper }), Is.Zero);
    }
}
