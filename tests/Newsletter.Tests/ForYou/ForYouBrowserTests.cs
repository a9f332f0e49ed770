using System.Net.Http.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using MimeKit;
using Newsletter.Delivery;
using Newsletter.Tests.Digests;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.ForYou;

/// <summary>The digest with "Recommended for you", and the feedback pages, in Chromium on a phone and a desktop screen.</summary>
public class ForYouBrowserTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [TestCase(390)]
    [TestCase(1280)]
    public async Task DigestWithARecommendation_FitsTheWidth_AndEveryLinkIsTallEnoughToTap(int width)
    {
        var recommended = new DigestEntry(DigestSamples.Paper(77, "Antibody design by diffusion over protein structure", "2411.07777"),
            ["for-you:Latent Diffusion for Protein Design"], "Denoising diffusion designs antibody protein structures that bind their target.");
        var html = DigestSamples.Renderer().Render(DigestSamples.Content(DigestSamples.Entries.Append(recommended).ToList())).Html;
        await using var browser = await Browser.OpenAsync();
        var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });

        await page.SetContentAsync(html);
        await page.Locator("text=Recommended for you").ScrollIntoViewIfNeededAsync();
        await Browser.ScreenshotAsync(page, $"digest-for-you-{width}");

        Assert.That(await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(width), "no sideways scrolling");
        var shortLinks = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('a')].filter(a => a.getBoundingClientRect().height < 44).map(a => a.textContent.trim())");
        Assert.That(shortLinks, Is.Empty, "links shorter than 44 px");
        Assert.That(await page.Locator("a", new PageLocatorOptions { HasText = "More like this" }).CountAsync(), Is.EqualTo(DigestSamples.Entries.Count + 1));
    }

    [Test]
    public async Task MarkUndoAndForYouPages_PassTheAudit_At390And1280Pixels()
    {
        await using var server = await ServedNewsletter.StartAsync(_workspace);
        using (var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) })
        {
            var response = await http.PostAsJsonAsync("/api/subscriptions", new { email = "look@example.org", topics = new[] { "diffusion" } });
            Assert.That((int)response.StatusCode, Is.EqualTo(202));
        }
        var settings = new Dictionary<string, string>
        {
            ["Storage:Database"] = _workspace.DatabasePath, ["Smtp:PickupDirectory"] = _workspace.Outbox, ["Site:BaseUrl"] = server.BaseUrl,
        };
        Assert.That(NewsletterProcess.Run(settings, "send-due").Output, Does.Contain("1 confirmation email"));
        NewsletterProcess.Run(settings, "ingest", RepositoryPaths.Fixture("Subscriptions/papers-page.txt"));
        long paper;
        using (var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath}"))
            paper = connection.ExecuteScalar<long>("SELECT id FROM papers WHERE title = 'Latent Diffusion for Protein Design'");
        SqliteConnection.ClearAllPools();
        var confirm = System.Text.RegularExpressions.Regex.Match(MimeMessage.Load(_workspace.OutboxFiles().Single()).TextBody ?? "", @"http://\S+/confirm/\S+").Value;
        await using var browser = await Browser.OpenAsync();
        string? manage;
        await using (var confirming = await browser.Instance.NewContextAsync())
        {
            var page = await confirming.NewPageAsync();
            await page.GotoAsync(confirm);
            await page.ClickAsync("#confirm-button");
            manage = await page.Locator("#manage-link").GetAttributeAsync("href");
        }

        foreach (var width in new[] { 390, 1280 })
        {
            await using var context = await browser.Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 800 } });
            var page = await context.NewPageAsync();

            await page.GotoAsync($"{server.BaseUrl}{new Uri(new Uri(server.BaseUrl), manage).AbsolutePath}/more/{paper}");
            await Assertions.Expect(page.Locator("#mark-title")).ToHaveTextAsync("Latent Diffusion for Protein Design");
            await AxeAudit.AssertNoViolationsAsync(page, "the more-like-this page");
            await Browser.ScreenshotAsync(page, $"mark-more-{width}");

            await page.ClickAsync("#mark-button");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Noted: more like this");
            await AxeAudit.AssertNoViolationsAsync(page, "the marked page");
            await Browser.ScreenshotAsync(page, $"marked-{width}");

            await page.GotoAsync($"{server.BaseUrl}{new Uri(new Uri(server.BaseUrl), manage).AbsolutePath}/for-you");
            await Assertions.Expect(page.Locator("#marks li")).ToHaveCountAsync(1);
            await AxeAudit.AssertNoViolationsAsync(page, "the For you page");
            Assert.That(await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(width), "nothing overflows sideways");
            await Browser.ScreenshotAsync(page, $"for-you-{width}");

            await page.ClickAsync("#reset-button");
            await Assertions.Expect(page.Locator("#no-marks")).ToBeVisibleAsync();

            // The same pages reached from the reader's Atom feed: under the feed's token, linking to no preferences.
            await page.GotoAsync($"{server.BaseUrl}{new Uri(new Uri(server.BaseUrl), manage).AbsolutePath}");
            var feed = (await page.Locator("a[href$='.atom']").First.GetAttributeAsync("href"))!;
            var feedBase = new Uri(new Uri(server.BaseUrl), feed).AbsolutePath[..^".atom".Length];
            await page.GotoAsync($"{server.BaseUrl}{feedBase}/less/{paper}");
            await AxeAudit.AssertNoViolationsAsync(page, "the less-like-this page from the feed");
            await Browser.ScreenshotAsync(page, $"feed-mark-less-{width}");
            await page.ClickAsync("#mark-button");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Noted: less like this");
            Assert.That(await page.Locator("a[href*='/manage/']").CountAsync(), Is.Zero, "a feed's pages never hand out the manage token");
            await AxeAudit.AssertNoViolationsAsync(page, "the marked page from the feed");
            await Browser.ScreenshotAsync(page, $"feed-marked-{width}");
            await page.ClickAsync("#undo-button");
            await Assertions.Expect(page.Locator(".notice").First).ToContainTextAsync("Undone");
            await AxeAudit.AssertNoViolationsAsync(page, "the undone page from the feed");
            await Browser.ScreenshotAsync(page, $"feed-undone-{width}");
        }
    }
}
