using System.Net;
using Newsletter.Digests;
using Newsletter.Matching;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Digests;

/// <summary>
/// "More / less like this" in a digest's "view in browser" copy: under the copy's own archive token (never the
/// manage token, since the copy may be shared), only for that delivery's papers and reader; a GET shows, the POST
/// records, undo restores; forged and replayed links, other papers and readers who left change nothing.
/// </summary>
public class ArchiveFeedbackTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private sealed record Copy(NewsletterFactory App, HttpClient Client, long Reader, string Manage, string Path, long Paper, long Other) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    /// <summary>A confirmed reader with one sent digest holding one paper (of the two ingested), and that digest's copy.</summary>
    private async Task<Copy> SentDigestAsync()
    {
        var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var reader = await SubscribeConfirmedAsync(app, client, _workspace, new { email = "copy@example.org", topics = new[] { "diffusion" } }, "copy@example.org");
        await IngestFixtureAsync(app);
        var paper = Scalar<long>(app, "SELECT id FROM papers WHERE title = 'Latent Diffusion for Protein Design'");
        var other = Scalar<long>(app, "SELECT id FROM papers WHERE title = 'Model Merging Without Retraining'");
        var row = Scalar<long>(app,
            """
            INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json)
            VALUES (@reader, 'daily:2026-11-25', 'sent', '2026-11-26T08:00:00.000Z', 'archive-test@test', @items)
            RETURNING id
            """,
            new { reader, items = FrozenItems.Write([new DigestItem(paper, ["diffusion"], 1)]) });
        var manage = new Uri(app.Get<SubscriptionLinks>().ForDigest(reader, []).Manage).AbsolutePath;
        return new Copy(app, client, reader, manage, "/digests/" + app.Get<DigestArchive>().Token(row), paper, other);
    }

    /// <summary>A page holding a form, for its antiforgery field (the copy itself has none).</summary>
    private static string Shown(Copy copy) => $"{copy.Path}/more/{copy.Paper}";

    private static long Marks(NewsletterFactory app) => Scalar<long>(app, "SELECT count(*) FROM reader_marks");

    [Test]
    public async Task ArchiveCopy_LinksMoreAndLessUnderItsOwnToken_NeverTheManageToken()
    {
        await using var copy = await SentDigestAsync();

        var html = await copy.Client.GetStringAsync(copy.Path);

        Assert.That(html, Does.Contain($"{copy.Path}/more/{copy.Paper}\"").And.Contain($"{copy.Path}/less/{copy.Paper}\""));
        Assert.That(html, Does.Not.Contain(copy.Manage["/manage/".Length..]), "whoever the copy is shared with must not get the preferences");
    }

    [Test]
    public async Task ArchiveLink_GetShows_PostRecordsForTheDeliverysReader_UndoClearsIt()
    {
        await using var copy = await SentDigestAsync();
        var link = $"{copy.Path}/more/{copy.Paper}";

        var shown = await copy.Client.GetAsync(link);
        Assert.That(shown.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await shown.Content.ReadAsStringAsync(), Does.Contain("Latent Diffusion for Protein Design").And.Contain("id=\"mark-button\"")
            .And.Contain("id=\"mark-note\""), "the page says whose mark it makes");
        Assert.That(Marks(copy.App), Is.Zero, "opening the link records nothing");

        var marked = await PostFormAsync(copy.Client, link, link);
        Assert.That(marked.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var answer = await marked.Content.ReadAsStringAsync();
        Assert.That(answer, Does.Contain("id=\"undo-button\"").And.Contain($"action=\"{copy.Path}/undo/{copy.Paper}\"").And.Not.Contain("/manage/"));
        Assert.That(Scalar<string>(copy.App, "SELECT subscriber_id || ':' || kind || ':' || source FROM reader_marks WHERE paper_id = @paper",
            new { paper = copy.Paper }), Is.EqualTo($"{copy.Reader}:more:digest"));
        Assert.That(Scalar<long>(copy.App, "SELECT count(*) FROM reader_tastes WHERE subscriber_id = @reader", new { reader = copy.Reader }), Is.EqualTo(1));

        var undone = await PostFormAsync(copy.Client, link, $"{copy.Path}/undo/{copy.Paper}", ("previous", ""), ("kind", "more"));
        Assert.That(undone.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await undone.Content.ReadAsStringAsync(), Does.Contain("Undone").And.Contain("id=\"mark-button\""));
        Assert.That(Marks(copy.App), Is.Zero);
    }

    [Test]
    public async Task ReplayedArchivePost_KeepsOneMark()
    {
        await using var copy = await SentDigestAsync();
        var link = $"{copy.Path}/less/{copy.Paper}";

        await PostFormAsync(copy.Client, link, link);
        var replay = await PostFormAsync(copy.Client, link, link);

        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await replay.Content.ReadAsStringAsync(), Does.Contain("name=\"previous\" value=\"\""), "undo after a replay still clears the mark");
        Assert.That(Scalar<string>(copy.App, "SELECT group_concat(kind) FROM reader_marks"), Is.EqualTo("less"));
    }

    [Test]
    public async Task ForgedArchiveToken_OrAManageTokenUnderDigests_IsAnUnknownLink_AndRecordsNothing()
    {
        await using var copy = await SentDigestAsync();
        var row = copy.Path["/digests/".Length..].Split('.')[0];
        // The right row id with a signature the server never made; the next row's id with this row's signature; a bare random token.
        var forged = new[]
        {
            $"/digests/{row}.{new string('A', 43)}",
            $"/digests/{long.Parse(row) + 1}.{copy.Path.Split('.')[1]}",
            "/digests/" + new string('A', 43),
            "/digests/" + copy.Manage["/manage/".Length..],
        };

        foreach (var path in forged)
        {
            var get = await copy.Client.GetAsync($"{path}/more/{copy.Paper}");
            var post = await PostFormAsync(copy.Client, Shown(copy), $"{path}/more/{copy.Paper}");
            var undo = await PostFormAsync(copy.Client, Shown(copy), $"{path}/undo/{copy.Paper}", ("previous", "less"));
            Assert.That((get.StatusCode, post.StatusCode, undo.StatusCode),
                Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound)), path);
            Assert.That(await get.Content.ReadAsStringAsync(), Does.Contain("We do not know this link"), path);
        }
        Assert.That(Marks(copy.App), Is.Zero);
    }

    [Test]
    public async Task APaperNotInThatDelivery_IsAnUnknownLink_AndRecordsNothing()
    {
        await using var copy = await SentDigestAsync();

        var get = await copy.Client.GetAsync($"{copy.Path}/more/{copy.Other}");
        var post = await PostFormAsync(copy.Client, Shown(copy), $"{copy.Path}/more/{copy.Other}");
        var missing = await copy.Client.GetAsync($"{copy.Path}/less/999999");

        Assert.That((get.StatusCode, post.StatusCode, missing.StatusCode),
            Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound)));
        Assert.That(Marks(copy.App), Is.Zero, "the other paper exists, but this copy never showed it");
    }

    [Test]
    public async Task ArchivePost_WithoutTheFormsAntiforgeryToken_RecordsNothing()
    {
        await using var copy = await SentDigestAsync();

        var response = await copy.Client.PostAsync($"{copy.Path}/more/{copy.Paper}", new FormUrlEncodedContent([]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Marks(copy.App), Is.Zero);
    }

    [TestCase("suppressed")]
    [TestCase("unsubscribed")]
    public async Task CopyOfAReaderWhoNoLongerGetsDigests_ShowsNoButtons_AndItsLinksRecordNothing(string state)
    {
        await using var copy = await SentDigestAsync();
        var link = $"{copy.Path}/more/{copy.Paper}";
        var page = await (await copy.Client.GetAsync(link)).Content.ReadAsStringAsync();
        Execute(copy.App, "UPDATE subscribers SET state = @state WHERE id = @reader", new { state, reader = copy.Reader });

        var html = await copy.Client.GetStringAsync(copy.Path);
        var get = await copy.Client.GetAsync(link);
        // A form fetched before the reader left, sent after.
        var post = await copy.Client.PostAsync(link, new FormUrlEncodedContent([new("__af", AntiforgeryValue(page))]));

        Assert.That(html, Does.Contain("Latent Diffusion for Protein Design").And.Not.Contain("More like this"));
        Assert.That((get.StatusCode, post.StatusCode), Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound)));
        Assert.That(Marks(copy.App), Is.Zero);
    }

    [Test]
    public async Task ArchiveLinkOfADeletedReader_IsDead()
    {
        await using var copy = await SentDigestAsync();
        var link = $"{copy.Path}/more/{copy.Paper}";
        await PostFormAsync(copy.Client, link, link);
        await PostFormAsync(copy.Client, copy.Manage, $"{copy.Manage}/delete");
        Assert.That(Marks(copy.App), Is.Zero, "marks go with the reader");

        var get = await copy.Client.GetAsync(link);
        var post = await PostFormAsync(copy.Client, "/", link);

        Assert.That((get.StatusCode, post.StatusCode), Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound)));
        Assert.That(Marks(copy.App), Is.Zero);
    }

    [TestCase(false, TestName = "ArchiveCopy_OfARowWhoseItemsCannotBeRead_IsAnUnknownLinkNotA500(its own items_json)")]
    [TestCase(true, TestName = "ArchiveCopy_OfARowWhoseItemsCannotBeRead_IsAnUnknownLinkNotA500(the frozen list it points at)")]
    public async Task ArchiveCopy_OfARowWhoseItemsCannotBeRead_IsAnUnknownLinkNotA500(bool inFrozenList)
    {
        await using var copy = await SentDigestAsync();
        if (inFrozenList)
        {
            var list = Scalar<long>(copy.App, "INSERT INTO frozen_lists (items, created_at) VALUES ('not json', '2026-11-26T08:00:00.000Z') RETURNING id");
            Execute(copy.App, "UPDATE deliveries SET items_json = '', items_list = @list", new { list });
        }
        else
        {
            Execute(copy.App, "UPDATE deliveries SET items_json = 'not json'");
        }

        var get = await copy.Client.GetAsync(copy.Path);

        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await get.Content.ReadAsStringAsync(), Does.Contain("We do not know this link"));
    }

    private static string AntiforgeryValue(string page) =>
        System.Text.RegularExpressions.Regex.Match(page, "name=\"__af\" value=\"([^\"]+)\"").Groups[1].Value;
}
