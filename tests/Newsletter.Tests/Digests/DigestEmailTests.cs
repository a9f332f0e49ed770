using System.Net;
using System.Text.RegularExpressions;
using MimeKit;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.Digests;

/// <summary>A digest sent through the real job: its subject, highlighted HTML, and its "view in browser" page.</summary>
public partial class DigestEmailTests() : DigestWorldFixture(Confirmed)
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    [SetUp]
    public void SetUp()
    {
        World.AddPaper("Mamba Goes Multimodal", "Selective state spaces for <video> & audio.", Confirmed.AddHours(1), "A. One, B. Two", 12, "2611.00001");
        World.AddPaper("Fast Diffusion Samplers", "Fewer denoising steps.", Confirmed.AddHours(1));
        World.AddReader("reader@example.org", Confirmed, [Topic("state-space-models"), Keyword("diffusion")]);
    }

    private Task<MimeMessage> SendAsync() => World.SendOneDigestAsync(Due);

    [Test]
    public async Task SentDigest_HasSubjectWithCountTopicsAndDate_AndHighlightedEscapedHtml()
    {
        var message = await SendAsync();

        Assert.That(message.Subject, Is.EqualTo("2 new papers on state space models and 1 search — 24 Nov"));
        Assert.That(message.HtmlBody, Does.Contain(">state spaces</mark>"), "the phrase, matched through stemming");
        Assert.That(message.HtmlBody, Does.Contain("&lt;video&gt; &amp; audio"));
        Assert.That(message.TextBody, Does.Contain("12 upvotes · matched by State space models").And.Contain("matched by your search: diffusion"));
        Assert.That(message.TextBody, Does.Contain("State space models: http://localhost/manage/"));
        Assert.That(message.TextBody, Does.Contain("your search: diffusion: http://localhost/manage/"));
    }

    // Issue 11.7: the listing's repository, project page and one-line summary were stored but never read for a digest.
    [Test]
    public async Task ListingLinksAndSummaryNotShown_Bug_SentDigestShowsRepositoryProjectPageAndTldrFromTheDatabase()
    {
        using (var connection = World.Get<Newsletter.Storage.Database>().Open())
        {
            Dapper.SqlMapper.Execute(connection,
                """
                UPDATE papers SET github_url = 'https://github.com/example/mamba-mm', project_url = 'https://example.org/mamba-mm',
                                  ai_summary = 'Mamba reads video and audio in linear time.', published_at = '2026-11-20T00:00:00.000Z'
                WHERE arxiv_id = '2611.00001'
                """);
        }

        var message = await SendAsync();

        Assert.That(message.HtmlBody, Does.Contain("href=\"https://github.com/example/mamba-mm\"").And.Contain("href=\"https://example.org/mamba-mm\""));
        Assert.That(message.HtmlBody, Does.Contain("<strong>TL;DR</strong> Mamba reads video and audio in linear time."));
        Assert.That(message.TextBody, Does.Contain("arXiv 2611.00001 (20 Nov 2026): https://arxiv.org/abs/2611.00001"));
        Assert.That(message.TextBody, Does.Contain("GitHub: https://github.com/example/mamba-mm").And.Contain("Project page: https://example.org/mamba-mm"));
    }

    [Test]
    public async Task ViewInBrowserLink_ShowsTheSameDigest_WithoutPersonalLinks()
    {
        var message = await SendAsync();
        var link = ArchiveLink().Match(message.TextBody ?? "").Value;
        Assert.That(link, Is.Not.Empty, "the text part carries the link");

        var response = await World.CreateClient().GetAsync(new Uri(link).PathAndQuery);
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("Mamba Goes Multimodal").And.Contain("Fast Diffusion Samplers").And.Contain("<mark"));
        Assert.That(html, Does.Not.Contain("/unsubscribe/").And.Not.Contain("/manage/"));
        Assert.That(html, Does.Contain("<main>").And.Contain("href=\"http://localhost/\""), "a way to subscribe");
    }

    [Test]
    public async Task StopSearchLink_AsksFirst_ThenStopsOnlyThatSearch()
    {
        var message = await SendAsync();
        var link = StopSearchLink().Match(message.TextBody ?? "").Value;
        Assert.That(link, Is.Not.Empty, "the text part carries a stop link for the keyword");
        var client = World.CreateClient();

        var page = await client.GetAsync(new Uri(link).PathAndQuery);
        var html = await page.Content.ReadAsStringAsync();
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain(">diffusion</code>").And.Contain("Stop this search"));
        Assert.That(Filters(), Does.Contain(Keyword("diffusion")), "a GET (a mail scanner) stops nothing");

        var stopped = await Newsletter.Tests.Subscriptions.SubscriptionSteps.PostFormAsync(client, new Uri(link).PathAndQuery, new Uri(link).PathAndQuery);

        Assert.That(stopped.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await stopped.Content.ReadAsStringAsync(), Does.Contain("is stopped"));
        Assert.That(Filters(), Is.EquivalentTo(new[] { Topic("state-space-models") }));
    }

    [Test]
    public async Task StopSearchLink_WithAnotherReadersToken_OrAnUnknownSearch_ChangesNothing()
    {
        var message = await SendAsync();
        var link = new Uri(StopSearchLink().Match(message.TextBody ?? "").Value).AbsolutePath;
        var client = World.CreateClient();
        var key = link[(link.LastIndexOf('/') + 1)..];
        var other = World.AddReader("other@example.org", Confirmed, [Keyword("diffusion")]);
        var otherManage = new Uri(World.Get<Newsletter.Subscriptions.SubscriptionLinks>().ForDigest(other.Id, []).Manage).AbsolutePath;

        Assert.That((await client.GetAsync(link[..(link.LastIndexOf('/') + 1)] + "0123456789abcdef")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await client.GetAsync($"/manage/not-a-token/stop-search/{key}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await client.PostAsync($"/manage/not-a-token/stop-search/{key}", new FormUrlEncodedContent([]))).StatusCode,
            Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await client.GetAsync($"{otherManage}/stop-search/{key}")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "their own link works");
        Assert.That(Filters(), Does.Contain(Keyword("diffusion")));
    }

    [Test]
    public async Task StoppingTheLastTopicAndSearch_SaysTheDigestsWillBeEmpty_AndOffersToUnsubscribe()
    {
        var message = await SendAsync();
        var client = World.CreateClient();
        var searchStop = new Uri(StopSearchLink().Match(message.TextBody ?? "").Value).PathAndQuery;
        var topicStop = new Uri(TopicStopLink().Match(message.TextBody ?? "").Value).PathAndQuery;

        await Newsletter.Tests.Subscriptions.SubscriptionSteps.PostFormAsync(client, topicStop, topicStop);
        var last = await Newsletter.Tests.Subscriptions.SubscriptionSteps.PostFormAsync(client, searchStop, searchStop);
        var html = await last.Content.ReadAsStringAsync();

        Assert.That(Filters(), Is.Empty);
        Assert.That(html, Does.Contain("no topics or keywords left").And.Contain("href=\"/unsubscribe/"));
        var again = await Newsletter.Tests.Subscriptions.SubscriptionSteps.PostFormAsync(client, topicStop, searchStop);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Gone), "a second click says the link was used");
    }

    // Seen in issue 13's session: a frozen paper deleted between planning and sending was left out without a word.
    [Test]
    public async Task FrozenPaperDeleted_Bug_DigestGoesWithoutIt_AndTheLogNamesTheRowAndThePaper()
    {
        var reader = World.Get<Newsletter.Subscriptions.SubscriberStore>().FindByEmail("reader@example.org")!;
        World.Clock.SetUtcNow(Due);
        Assert.That(World.Planner.PlanDue(Due), Is.EqualTo(1));
        var row = World.Rows(reader.Id).Single();
        var gone = World.PapersSentTo(reader.Id).First();
        var title = World.Get<Newsletter.Listings.PaperStore>().Get([gone]).Single().Title;
        using (var connection = World.Get<Newsletter.Storage.Database>().Open())
            Dapper.SqlMapper.Execute(connection, "DELETE FROM papers WHERE id = @gone", new { gone });

        var (_, sent) = await World.Get<Newsletter.Delivery.DigestJob>().RunAtAsync(Due, CancellationToken.None);

        Assert.That(sent, Is.EqualTo(1), "the rest of the digest still goes");
        var message = await MimeMessage.LoadAsync(World.Workspace.OutboxFiles().Single());
        Assert.That(message.TextBody, Does.Not.Contain(title));
        Assert.That(World.Logs.Lines, Does.Contain($"Warning: Delivery {row.Id}: frozen paper {gone} no longer exists; the digest goes without it"));
    }

    private IReadOnlyList<Newsletter.Matching.SubscriberFilter> Filters() =>
        World.Get<Newsletter.Subscriptions.SubscriberStore>().Filters(World.Get<Newsletter.Subscriptions.SubscriberStore>().FindByEmail("reader@example.org")!.Id);

    [GeneratedRegex(@"http://localhost/manage/[A-Za-z0-9_\-]+/stop-search/[0-9a-f]+")]
    private static partial Regex StopSearchLink();

    [GeneratedRegex(@"http://localhost/manage/[A-Za-z0-9_\-]+/stop/state-space-models")]
    private static partial Regex TopicStopLink();

    [GeneratedRegex(@"http://localhost/digests/[A-Za-z0-9_.\-]+")]
    private static partial Regex ArchiveLink();
}
