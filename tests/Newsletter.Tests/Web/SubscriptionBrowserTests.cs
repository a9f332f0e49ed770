using System.Globalization;
using Microsoft.Playwright;
using MimeKit;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Web;

/// <summary>
/// A reader's whole journey in Chromium against the real executable: subscribe with a topic and a keyword while the
/// preview updates, confirm from the email, change preferences, then unsubscribe from a real digest's link.
/// </summary>
public class SubscriptionBrowserTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private Dictionary<string, string> Settings(string baseUrl) => new()
    {
        ["Storage:Database"] = _workspace.DatabasePath, ["Smtp:PickupDirectory"] = _workspace.Outbox, ["Site:BaseUrl"] = baseUrl,
    };

    [Test]
    public async Task Reader_SubscribesConfirmsManagesAndUnsubscribes_InABrowser()
    {
        var ingest = NewsletterProcess.Run(Settings("http://localhost"), "ingest", RepositoryPaths.Fixture("Subscriptions/papers-page.txt"));
        Assert.That(ingest.ExitCode, Is.Zero, ingest.Error);
        await using var server = await ServedNewsletter.StartAsync(_workspace);
        await using var browser = await Browser.OpenAsync();
        await using var context = await browser.Instance.NewContextAsync(new BrowserNewContextOptions { TimezoneId = "Europe/Berlin" });
        var page = await context.NewPageAsync();

        // Subscribe: the time zone comes from the browser, the preview follows the choices.
        await page.GotoAsync(server.BaseUrl);
        Assert.That(await page.InputValueAsync("#timezone"), Is.EqualTo("Europe/Berlin"));
        Assert.That(await page.IsVisibleAsync("#preview-button"), Is.False, "with JavaScript the preview needs no button");
        await page.FillAsync("#email", "browser@example.org");
        await page.CheckAsync("input[name=topics][value=diffusion]");
        await page.FillAsync("#keywords", "mamba");
        await Assertions.Expect(page.Locator("#preview-count")).ToContainTextAsync("3 papers in the last 7 days");
        await Assertions.Expect(page.Locator("#preview-list")).ToContainTextAsync("Mamba Goes Multimodal");
        await Browser.ScreenshotAsync(page, "subscribe-with-preview");

        await page.ClickAsync("button[value=save]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Check your inbox");
        await Browser.ScreenshotAsync(page, "check-your-inbox");

        // The served process runs no job server: the operator verb sends the waiting confirmation email.
        Assert.That(_workspace.OutboxFiles(), Is.Empty, "nothing is mailed inside the request");
        var flush = NewsletterProcess.Run(Settings(server.BaseUrl), "send-due");
        Assert.That(flush.Output, Does.Contain("1 confirmation emails sent"), flush.Error);

        // Confirm from the email in the pickup folder: the link shows the address and a button; the button confirms.
        var confirmation = await MimeMessage.LoadAsync(_workspace.OutboxFiles().Single());
        var confirmUrl = System.Text.RegularExpressions.Regex.Match(confirmation.TextBody ?? "", @"http://\S+/confirm/\S+").Value;
        Assert.That(confirmUrl, Does.StartWith(server.BaseUrl));
        await page.GotoAsync(confirmUrl);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Confirm your subscription");
        await Assertions.Expect(page.Locator("#confirm-email")).ToHaveTextAsync("b***@example.org");
        await Browser.ScreenshotAsync(page, "confirm-question");
        await page.ClickAsync("#confirm-button");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("You are subscribed");
        await Assertions.Expect(page.Locator("#first-digest")).ToContainTextAsync("at 08:00 (Europe/Berlin)");
        await Browser.ScreenshotAsync(page, "confirmed");

        // Change preferences: drop diffusion, add model merging, deliver at 18:00.
        await page.ClickAsync("#manage-link");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Your preferences");
        Assert.That(await page.InputValueAsync("#timezone"), Is.EqualTo("Europe/Berlin"));
        await page.UncheckAsync("input[name=topics][value=diffusion]");
        await page.CheckAsync("input[name=topics][value=model-merging]");
        await page.SelectOptionAsync("#hour", "18");
        await Assertions.Expect(page.Locator("#preview-list")).ToContainTextAsync("Model Merging Without Retraining");
        await page.ClickAsync("button[value=save]");
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("Your preferences are saved");
        Assert.That(await page.IsCheckedAsync("input[name=topics][value=model-merging]"), Is.True);
        Assert.That(await page.IsCheckedAsync("input[name=topics][value=diffusion]"), Is.False);
        Assert.That(await page.InputValueAsync("#hour"), Is.EqualTo("18"));
        await Browser.ScreenshotAsync(page, "manage-saved");

        // A real digest, sent by the operator verb against the same database, carries the unsubscribe link.
        var at = DateTimeOffset.UtcNow.AddDays(1).ToString("o", CultureInfo.InvariantCulture);
        var sendDue = NewsletterProcess.Run(Settings(server.BaseUrl), "send-due", "--at", at);
        Assert.That(sendDue.ExitCode, Is.Zero, sendDue.Error);
        var digestFile = _workspace.OutboxFiles().Single(f => Path.GetFileName(f).StartsWith("digest.", StringComparison.Ordinal));
        var digest = await MimeMessage.LoadAsync(digestFile);
        Assert.That(digest.TextBody, Does.Contain("Model Merging Without Retraining").And.Not.Contain("Latent Diffusion"));
        var unsubscribeUrl = (digest.Headers["List-Unsubscribe"] ?? "").Trim('<', '>');
        Assert.That(unsubscribeUrl, Does.StartWith(server.BaseUrl + "/unsubscribe/"));

        await page.GotoAsync(unsubscribeUrl);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Unsubscribe?");
        await Browser.ScreenshotAsync(page, "unsubscribe");
        await page.ClickAsync("#unsubscribe-button");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("You are unsubscribed");
        Assert.That(await page.IsVisibleAsync("#resubscribe-button"), Is.True);
        await Browser.ScreenshotAsync(page, "unsubscribed");

        var export = NewsletterProcess.Run(Settings(server.BaseUrl), "subscribers", "export");
        Assert.That(export.Output, Does.Contain("browser@example.org,model-merging,mamba,daily,1,Europe/Berlin,18,trending,unsubscribed"));
    }

    [Test]
    public async Task SubscribePage_WorksWithoutJavaScript_PreviewByButtonAndErrorsBesideFields()
    {
        NewsletterProcess.Run(Settings("http://localhost"), "ingest", RepositoryPaths.Fixture("Subscriptions/papers-page.txt"));
        await using var server = await ServedNewsletter.StartAsync(_workspace);
        await using var browser = await Browser.OpenAsync();
        await using var context = await browser.Instance.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false, TimezoneId = "Asia/Tokyo" });
        var page = await context.NewPageAsync();

        await page.GotoAsync(server.BaseUrl);
        Assert.That(await page.InputValueAsync("#timezone"), Is.EqualTo("UTC"), "without JavaScript the zone stays UTC");
        await page.CheckAsync("input[name=topics][value=model-merging]");
        await page.ClickAsync("#preview-button");
        await Assertions.Expect(page.Locator("#preview-list")).ToContainTextAsync("Model Merging Without Retraining");
        Assert.That(await page.IsCheckedAsync("input[name=topics][value=model-merging]"), Is.True, "the choices survive the preview");
        await Browser.ScreenshotAsync(page, "subscribe-preview-without-javascript");

        await page.FillAsync("#email", "not-an-address");
        await page.FillAsync("#keywords", "(unbalanced");
        await page.ClickAsync("button[value=save]");
        await Assertions.Expect(page.Locator("#email-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#keywords-error")).ToContainTextAsync("a '(' is not closed");
        Assert.That(await page.InputValueAsync("#email"), Is.EqualTo("not-an-address"));
        await Browser.ScreenshotAsync(page, "subscribe-errors");

        await page.GotoAsync(server.BaseUrl + "/confirm/no-such-token");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("We do not know this link");
        await Browser.ScreenshotAsync(page, "link-unknown");
        Assert.That(_workspace.OutboxFiles(), Is.Empty);
    }
}
