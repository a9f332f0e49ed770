using Microsoft.Playwright;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Web;

/// <summary>
/// Keywords as people type them, in Chromium on a phone and a desktop: a hyphenated keyword previews as the phrase
/// it means, a costly one shows its rule where the preview would be, and the order choice reaches the preview.
/// </summary>
public class QueryBrowserTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [TestCase(390, 844)]
    [TestCase(1280, 900)]
    public async Task SubscribePage_PreviewsHyphenatedKeywords_AndShowsTheRuleOfACostlyOne(int width, int height)
    {
        var ingest = NewsletterProcess.Run(new Dictionary<string, string>
        {
            ["Storage:Database"] = _workspace.DatabasePath, ["Smtp:PickupDirectory"] = _workspace.Outbox,
        }, "ingest", RepositoryPaths.Fixture("Subscriptions/papers-page.txt"));
        Assert.That(ingest.ExitCode, Is.Zero, ingest.Error);
        await using var server = await ServedNewsletter.StartAsync(_workspace);
        await using var browser = await Browser.OpenAsync();
        var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);

        await page.GotoAsync(server.BaseUrl);
        await page.CheckAsync("input[name=order][value=relevance]");
        await page.FillAsync("#keywords", "state-space");
        await Assertions.Expect(page.Locator("#preview-count")).ToContainTextAsync("1 paper in the last 7 days");
        await Assertions.Expect(page.Locator("#preview-list")).ToContainTextAsync("Mamba Goes Multimodal");
        Assert.That(requests, Has.Some.Contains("order=relevance"), "the preview asks in the chosen order");
        await Browser.ScreenshotAsync(page, $"subscribe-hyphenated-keyword-{width}");

        await page.FillAsync("#keywords", "w* w* w*");
        await Assertions.Expect(page.Locator("#preview-count")).ToContainTextAsync("at least 3 letters before the *");
        await Browser.ScreenshotAsync(page, $"subscribe-costly-keyword-{width}");
    }
}
