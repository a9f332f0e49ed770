using System.Net.Http.Json;
using Microsoft.Playwright;
using MimeKit;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Web;

/// <summary>The confirmation question and the confirmed page in Chromium, on a phone and a desktop screen.</summary>
public class ConfirmPagesBrowserTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task ConfirmQuestionAndConfirmedPage_ShowTheMaskedAddressAndTheFirstDigest_At390And1280Pixels()
    {
        await using var server = await ServedNewsletter.StartAsync(_workspace);
        using (var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) })
        {
            foreach (var width in new[] { 390, 1280 })
            {
                var response = await http.PostAsJsonAsync("/api/subscriptions",
                    new { email = $"screen{width}@example.org", topics = new[] { "diffusion" }, hour = 9, timezone = "Asia/Tokyo" });
                Assert.That((int)response.StatusCode, Is.EqualTo(202));
            }
        }
        var flush = NewsletterProcess.Run(new Dictionary<string, string>
        {
            ["Storage:Database"] = _workspace.DatabasePath, ["Smtp:PickupDirectory"] = _workspace.Outbox, ["Site:BaseUrl"] = server.BaseUrl,
        }, "send-due");
        Assert.That(flush.Output, Does.Contain("2 confirmation emails sent"), flush.Error);
        await using var browser = await Browser.OpenAsync();

        foreach (var width in new[] { 390, 1280 })
        {
            var email = _workspace.OutboxFiles().Select(f => MimeMessage.Load(f)).Single(m => m.To.Mailboxes.Single().Address == $"screen{width}@example.org");
            var link = System.Text.RegularExpressions.Regex.Match(email.TextBody ?? "", @"http://\S+/confirm/\S+").Value;
            await using var context = await browser.Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 800 } });
            var page = await context.NewPageAsync();

            await page.GotoAsync(link);
            await Assertions.Expect(page.Locator("#confirm-email")).ToHaveTextAsync("s***@example.org");
            var button = await page.Locator("#confirm-button").BoundingBoxAsync();
            Assert.That(button!.X + button.Width, Is.LessThanOrEqualTo(width), "the button fits the screen");
            await Browser.ScreenshotAsync(page, $"confirm-question-{width}");

            await page.ClickAsync("#confirm-button");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("You are subscribed");
            await Assertions.Expect(page.Locator("#first-digest")).ToContainTextAsync("at 09:00 (Asia/Tokyo)");
            var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.That(scrollWidth, Is.LessThanOrEqualTo(width), "nothing overflows sideways");
            await Browser.ScreenshotAsync(page, $"confirmed-{width}");
        }
    }
}
