using System.Net;
using System.Text.RegularExpressions;
using MimeKit;
using Newsletter.Digests;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Digests.DigestWorld;

namespace Newsletter.Tests.Digests;

/// <summary>A digest sent through the real job: its subject, highlighted HTML, and its "view in browser" page.</summary>
public partial class DigestEmailTests
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private TestWorkspace _workspace = null!;
    private DigestWorld _world = null!;

    [SetUp]
    public void SetUp()
    {
        _workspace = new TestWorkspace();
        _world = new DigestWorld(_workspace, Confirmed);
        _world.AddPaper("Mamba Goes Multimodal", "Selective state spaces for <video> & audio.", Confirmed.AddHours(1), "A. One, B. Two", 12, "2611.00001");
        _world.AddPaper("Fast Diffusion Samplers", "Fewer denoising steps.", Confirmed.AddHours(1));
        _world.AddReader("reader@example.org", Confirmed, [Topic("state-space-models"), Keyword("diffusion")]);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _world.DisposeAsync();
        _workspace.Dispose();
    }

    private async Task<MimeMessage> SendAsync()
    {
        _world.Clock.Now = Due;
        var (planned, sent) = await _world.Get<DigestJob>().RunAtAsync(Due, CancellationToken.None);
        Assert.That((planned, sent), Is.EqualTo((1, 1)));
        return await MimeMessage.LoadAsync(_workspace.OutboxFiles().Single());
    }

    [Test]
    public async Task SentDigest_HasSubjectWithCountTopicsAndDate_AndHighlightedEscapedHtml()
    {
        var message = await SendAsync();

        Assert.That(message.Subject, Is.EqualTo("2 new papers on state space models and 1 more topic — 24 Nov"));
        Assert.That(message.HtmlBody, Does.Contain(">state spaces</mark>"), "the phrase, matched through stemming");
        Assert.That(message.HtmlBody, Does.Contain("&lt;video&gt; &amp; audio"));
        Assert.That(message.TextBody, Does.Contain("== State space models (1) ==").And.Contain("== \"diffusion\" (1) =="));
        Assert.That(message.TextBody, Does.Contain("Stop getting State space models: http://localhost/manage/"));
    }

    [Test]
    public async Task ViewInBrowserLink_ShowsTheSameDigest_WithoutPersonalLinks()
    {
        var message = await SendAsync();
        var link = ArchiveLink().Match(message.TextBody ?? "").Value;
        Assert.That(link, Is.Not.Empty, "the text part carries the link");

        var response = await _world.CreateClient().GetAsync(new Uri(link).PathAndQuery);
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("Mamba Goes Multimodal").And.Contain("Fast Diffusion Samplers").And.Contain("<mark"));
        Assert.That(html, Does.Not.Contain("/unsubscribe/").And.Not.Contain("/manage/"));
    }

    [Test]
    public async Task ViewInBrowser_AnswersNotFound_ForAnUnknownToken()
    {
        var response = await _world.CreateClient().GetAsync("/digests/not-a-real-token");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("We do not know this link"));
    }

    [GeneratedRegex(@"http://localhost/digests/[A-Za-z0-9_.\-]+")]
    private static partial Regex ArchiveLink();
}
