using System.Net;
using System.Text.Json;
using Newsletter.ForYou;
using Newsletter.Listings;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.ForYou;

/// <summary>"More like this" / "less like this": a GET shows, only a POST records, undo restores; forged and replayed links change nothing.</summary>
public class FeedbackLinkTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private async Task<(NewsletterFactory App, HttpClient Client, long Id, string Manage, long Paper)> ReaderWithPapersAsync()
    {
        var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var id = await SubscribeConfirmedAsync(app, client, _workspace, new { email = "f@example.org", topics = new[] { "diffusion" } }, "f@example.org");
        await IngestFixtureAsync(app);
        var paper = Scalar<long>(app, "SELECT id FROM papers WHERE title = 'Latent Diffusion for Protein Design'");
        return (app, client, id, new Uri(app.Get<SubscriptionLinks>().ForDigest(id, []).Manage).AbsolutePath, paper);
    }

    private static long Marks(NewsletterFactory app) => Scalar<long>(app, "SELECT count(*) FROM reader_marks");

    private static long Models(NewsletterFactory app) => Scalar<long>(app, "SELECT count(*) FROM reader_tastes");

    /// <summary>Whether the reader's stored model weighs <paramref name="term"/> (as the model counts words: "merging" is "merg").</summary>
    private static bool ModelNames(NewsletterFactory app, string term)
    {
        var key = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(key, PaperTerms.Key(term));
        return Scalar<byte[]>(app, "SELECT model FROM reader_tastes").AsSpan().IndexOf(key) >= 0;
    }

    [Test]
    public async Task MoreLikeThis_Get_ShowsThePaperAndOneButton_AndRecordsNothing()
    {
        var (app, client, _, manage, paper) = await ReaderWithPapersAsync();
        await using var _app = app;

        var response = await client.GetAsync($"{manage}/more/{paper}");
        var page = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page, Does.Contain("Latent Diffusion for Protein Design").And.Contain("id=\"mark-button\""));
        Assert.That(Marks(app), Is.Zero);
    }

    [Test]
    public async Task MoreLikeThis_Post_RecordsTheMark_AndBuildsTheModel()
    {
        var (app, client, id, manage, paper) = await ReaderWithPapersAsync();
        await using var _app = app;

        var response = await PostFormAsync(client, $"{manage}/more/{paper}", $"{manage}/more/{paper}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("id=\"undo-button\""));
        Assert.That(Scalar<string>(app, "SELECT kind || ':' || source FROM reader_marks WHERE subscriber_id = @id AND paper_id = @paper", new { id, paper }),
            Is.EqualTo("more:digest"));
        Assert.That(Scalar<long>(app, "SELECT subscriber_id FROM reader_tastes"), Is.EqualTo(id));
        Assert.That(ModelNames(app, "protein"), Is.True);
    }

    [Test]
    public async Task Undo_PutsBackTheMarkThePaperHadBefore()
    {
        var (app, client, id, manage, paper) = await ReaderWithPapersAsync();
        await using var _app = app;
        await PostFormAsync(client, $"{manage}/less/{paper}", $"{manage}/less/{paper}");
        var marked = await (await PostFormAsync(client, $"{manage}/more/{paper}", $"{manage}/more/{paper}")).Content.ReadAsStringAsync();
        Assert.That(marked, Does.Contain("name=\"previous\" value=\"less\""));

        var undone = await PostFormAsync(client, $"{manage}/for-you", $"{manage}/undo/{paper}", ("previous", "less"));

        Assert.That(undone.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Scalar<string>(app, "SELECT kind FROM reader_marks WHERE subscriber_id = @id", new { id }), Is.EqualTo("less"));

        await PostFormAsync(client, $"{manage}/for-you", $"{manage}/undo/{paper}", ("previous", ""));
        Assert.That((Marks(app), Models(app)), Is.EqualTo((0L, 0L)));
    }

    [Test]
    public async Task Undo_RefusesAPreviousMarkThatIsNotOne()
    {
        var (app, client, _, manage, paper) = await ReaderWithPapersAsync();
        await using var _app = app;

        var response = await PostFormAsync(client, $"{manage}/for-you", $"{manage}/undo/{paper}", ("previous", "delete-all"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("previous: must be empty, more or less"));
    }

    [Test]
    public async Task ForgedToken_IsAnUnknownLink_AndRecordsNothing()
    {
        var (app, client, _, manage, paper) = await ReaderWithPapersAsync();
        await using var _app = app;
        // A token of the right shape that the server never derived.
        var forged = "/manage/" + new string('A', 43);

        var get = await client.GetAsync($"{forged}/more/{paper}");
        var post = await PostFormAsync(client, $"{manage}/more/{paper}", $"{forged}/more/{paper}");

        Assert.That((get.StatusCode, post.StatusCode), Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound)));
        Assert.That(Marks(app), Is.Zero);
    }

    [Test]
    public async Task Post_WithoutTheFormsAntiforgeryToken_RecordsNothing()
    {
        var (app, client, _, manage, paper) = await ReaderWithPapersAsync();
        await using var _app = app;

        var response = await client.PostAsync($"{manage}/more/{paper}", new FormUrlEncodedContent([]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Marks(app), Is.Zero);
    }

    [Test]
    public async Task ReplayedPost_KeepsOneMark_AndItsUndoStillClearsIt()
    {
        var (app, client, _, manage, paper) = await ReaderWithPapersAsync();
        await using var _app = app;

        await PostFormAsync(client, $"{manage}/more/{paper}", $"{manage}/more/{paper}");
        var replay = await PostFormAsync(client, $"{manage}/more/{paper}", $"{manage}/more/{paper}");

        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await replay.Content.ReadAsStringAsync(), Does.Contain("name=\"previous\" value=\"\""));
        Assert.That(Marks(app), Is.EqualTo(1));
    }

    [Test]
    public async Task LinkOfADeletedReader_IsDead()
    {
        var (app, client, _, manage, paper) = await ReaderWithPapersAsync();
        await using var _app = app;
        await PostFormAsync(client, $"{manage}/more/{paper}", $"{manage}/more/{paper}");
        await PostFormAsync(client, manage, $"{manage}/delete");
        Assert.That((Marks(app), Models(app)), Is.EqualTo((0L, 0L)), "marks and model go with the reader");

        var response = await client.GetAsync($"{manage}/more/{paper}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task UnknownPaper_IsAnUnknownLink()
    {
        var (app, client, _, manage, _) = await ReaderWithPapersAsync();
        await using var _app = app;

        var response = await client.GetAsync($"{manage}/less/999999");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task PapersILike_AddsKnownArxivIdsAndLinks_AndNamesAWrongLine()
    {
        var (app, client, id, manage, _) = await ReaderWithPapersAsync();
        await using var _app = app;
        await app.Get<ListingIngester>().IngestAsync(RepositoryPaths.Fixture("Listings/hf-daily.json"), "fixture", CancellationToken.None);

        var unknown = await PostFormAsync(client, $"{manage}/for-you", $"{manage}/for-you/like", ("papers", "2403.01234\n2401.00001"));
        var garbage = await PostFormAsync(client, $"{manage}/for-you", $"{manage}/for-you/like", ("papers", "not a paper"));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await unknown.Content.ReadAsStringAsync(), Does.Contain("papers: 2401.00001 is not among the papers"));
        Assert.That(garbage.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Marks(app), Is.Zero, "a form with a wrong line adds nothing");

        var added = await PostFormAsync(client, $"{manage}/for-you", $"{manage}/for-you/like",
            ("papers", "2403.01234\nhttps://arxiv.org/abs/2403.05678v2"));

        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.OK), await added.Content.ReadAsStringAsync());
        Assert.That(Scalar<string>(app, """
            SELECT group_concat(p.arxiv_id || ':' || m.kind || ':' || m.source, '|') FROM (SELECT * FROM reader_marks ORDER BY paper_id) m
            JOIN papers p ON p.id = m.paper_id WHERE m.subscriber_id = @id
            """, new { id }), Is.EqualTo("2403.01234:more:liked|2403.05678:more:liked"));
    }

    [Test]
    public async Task ForYouPage_ListsMarks_RemovesOne_AndResetsAll()
    {
        var (app, client, _, manage, paper) = await ReaderWithPapersAsync();
        await using var _app = app;
        var other = Scalar<long>(app, "SELECT id FROM papers WHERE title = 'Model Merging Without Retraining'");
        await PostFormAsync(client, $"{manage}/more/{paper}", $"{manage}/more/{paper}");
        await PostFormAsync(client, $"{manage}/less/{other}", $"{manage}/less/{other}");

        var page = await client.GetStringAsync($"{manage}/for-you");
        Assert.That(page, Does.Contain("Latent Diffusion for Protein Design").And.Contain("Model Merging Without Retraining"));
        Assert.That(ModelNames(app, "merg"), Is.True, "the model learnt from the mark");

        await PostFormAsync(client, $"{manage}/for-you", $"{manage}/for-you/remove/{other}");
        Assert.That(Scalar<long>(app, "SELECT paper_id FROM reader_marks"), Is.EqualTo(paper));
        Assert.That(ModelNames(app, "merg"), Is.False, "the model is rebuilt without it");

        var reset = await PostFormAsync(client, $"{manage}/for-you", $"{manage}/for-you/reset");
        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((Marks(app), Models(app)), Is.EqualTo((0L, 0L)));
        Assert.That(await reset.Content.ReadAsStringAsync(), Does.Contain("id=\"no-marks\""));
    }

    [Test]
    public async Task DataExport_ListsEveryMark()
    {
        var (app, client, _, manage, paper) = await ReaderWithPapersAsync();
        await using var _app = app;
        await PostFormAsync(client, $"{manage}/less/{paper}", $"{manage}/less/{paper}");

        using var data = JsonDocument.Parse(await client.GetStringAsync(manage + "/data"));

        var mark = data.RootElement.GetProperty("marks")[0];
        Assert.That((mark.GetProperty("title").GetString(), mark.GetProperty("mark").GetString()),
            Is.EqualTo(("Latent Diffusion for Protein Design", "less like this")));
    }
}
