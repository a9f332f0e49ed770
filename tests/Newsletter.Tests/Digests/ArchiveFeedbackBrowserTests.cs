using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using MimeKit;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Digests;

/// <summary>
/// A sent digest's "view in browser" copy, served by the real executable, in Chromium at 390 and 1280 px: every
/// paper has More/Less like this under the copy's token; the pages they open pass the audit and record for the reader.
/// </summary>
public class ArchiveFeedbackBrowserTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task ArchiveCopy_MoreLikeThis_ShowsMarksAndUndoes_At390And1280Pixels()
    {
        await using var server = await ServedNewsletter.StartAsync(_workspace);
        var settings = new Dictionary<string, string>
        {
            ["Storage:Database"] = _workspace.DatabasePath, ["Smtp:PickupDirectory"] = _workspace.Outbox, ["Site:BaseUrl"] = server.BaseUrl,
        };
        using (var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) })
            Assert.That((int)(await http.PostAsJsonAsync("/api/subscriptions", new { email = "copy@example.org", topics = new[] { "diffusion" } })).StatusCode,
                Is.EqualTo(202));
        Assert.That(NewsletterProcess.Run(settings, "send-due").Output, Does.Contain("1 confirmation email"));
        NewsletterProcess.Run(settings, "ingest", RepositoryPaths.Fixture("Subscriptions/papers-page.txt"));
        var confirm = Regex.Match(MimeMessage.Load(_workspace.OutboxFiles().Single()).TextBody ?? "", @"http://\S+/confirm/\S+").Value;
        await using var browser = await Browser.OpenAsync();
        await using (var confirming = await browser.Instance.NewContextAsync())
        {
            var page = await confirming.NewPageAsync();
            await page.GotoAsync(confirm);
            await page.ClickAsync("#confirm-button");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("You are subscribed");
        }
        var sent = NewsletterProcess.Run(settings, "send-due", "--at", DateTimeOffset.UtcNow.AddDays(1).ToString("o", CultureInfo.InvariantCulture));
        Assert.That(sent.ExitCode, Is.Zero, sent.Error);
        var digest = MimeMessage.Load(_workspace.OutboxFiles().Single(f => Path.GetFileName(f).StartsWith("digest.", StringComparison.Ordinal)));
        var copy = Regex.Match(digest.TextBody ?? "", @"http://\S+/digests/\S+").Value;
        Assert.That(copy, Does.StartWith(server.BaseUrl + "/digests/"));

        foreach (var width in new[] { 390, 1280 })
        {
            await using var context = await browser.Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 800 } });
            var page = await context.NewPageAsync();

            await page.GotoAsync(copy);
            var more = page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "More like this" });
            var papers = await page.Locator("main h2").CountAsync();
            Assert.That(papers, Is.GreaterThan(1));
            await Assertions.Expect(more).ToHaveCountAsync(papers);
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Less like this" })).ToHaveCountAsync(papers);
            Assert.That(await page.Locator("a[href*='/manage/'], a[href*='/unsubscribe/']").CountAsync(), Is.Zero, "the copy may be shared");
            Assert.That(await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(width), "nothing overflows sideways");
            await Browser.ScreenshotAsync(page, $"archive-feedback-{width}");

            var title = await page.Locator("main h2").First.InnerTextAsync();
            await more.First.ClickAsync();
            await Assertions.Expect(page.Locator("#mark-title")).ToHaveTextAsync(title);
            Assert.That(page.Url, Does.StartWith(copy + "/more/"));
            await Assertions.Expect(page.Locator("#mark-note")).ToContainTextAsync("the reader it was sent to");
            await AxeAudit.AssertNoViolationsAsync(page, "the more-like-this page of an archive copy");
            Assert.That(await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(width), "nothing overflows sideways");
            await Browser.ScreenshotAsync(page, $"archive-mark-more-{width}");

            await page.ClickAsync("#mark-button");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Noted: more like this");
            Assert.That(Marks(), Is.EqualTo(new[] { "copy@example.org:more" }));
            Assert.That(await page.Locator("a[href*='/manage/']").CountAsync(), Is.Zero, "the answer page hands out no manage token");
            await AxeAudit.AssertNoViolationsAsync(page, "the marked page of an archive copy");
            await Browser.ScreenshotAsync(page, $"archive-marked-{width}");

            await page.ClickAsync("#undo-button");
            await Assertions.Expect(page.Locator(".notice").First).ToContainTextAsync("Undone");
            Assert.That(Marks(), Is.Empty);
            await AxeAudit.AssertNoViolationsAsync(page, "the undone page of an archive copy");
        }
    }

    private string[] Marks()
    {
        using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=false");
        return connection.Query<string>("SELECT s.email || ':' || m.kind FROM reader_marks m JOIN subscribers s ON s.id = m.subscriber_id").ToArray();
    }
}
