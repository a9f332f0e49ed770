using Newsletter.Tests.Support;

namespace Newsletter.Tests.Web;

/// <summary>The served home page, opened in a real Chromium against the real executable on a loopback port.</summary>
public class HomePageBrowserTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task HomePage_ShowsTheTopicCatalog_InABrowser()
    {
        await using var server = await ServedNewsletter.StartAsync(_workspace);
        await using var browser = await Browser.OpenAsync();
        var page = await browser.Instance.NewPageAsync();

        var response = await page.GotoAsync(server.BaseUrl);

        Assert.That(response?.Status, Is.EqualTo(200));
        Assert.That(await page.TitleAsync(), Is.EqualTo("Newsletter"));
        Assert.That(await page.Locator("main").InnerTextAsync(), Does.Contain("State space models"));
        await Browser.ScreenshotAsync(page, "home");
    }
}
