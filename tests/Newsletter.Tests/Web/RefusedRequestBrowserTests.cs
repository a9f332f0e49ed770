using Microsoft.Playwright;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Web;

/// <summary>The refused-body pages as a reader's browser shows them, at phone and desktop widths.</summary>
public class RefusedRequestBrowserTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    // Builds and submits a form from the page itself: a real browser POST with fields and a value of given sizes.
    private const string SubmitForm = """
        ([fields, valueLength]) => {
          const form = document.createElement('form');
          form.method = 'post';
          form.action = '/';
          for (let i = 0; i < fields; i++) {
            const input = document.createElement('input');
            input.type = 'hidden';
            input.name = 'f' + i;
            input.value = 'a'.repeat(valueLength);
            form.appendChild(input);
          }
          document.body.appendChild(form);
          form.submit();
        }
        """;

    [TestCase(1100, 1, 400, "That did not work", "refused-fields")]
    // Nine values just under the 4 MB value limit: over Kestrel's 30 MB body limit before any form limit.
    [TestCase(9, 3_900_000, 413, "That was too much to send", "refused-too-large")]
    public async Task RefusedForm_ShowsTheSiteErrorPage(int fields, int valueLength, int status, string heading, string name)
    {
        await using var server = await ServedNewsletter.StartAsync(_workspace);
        await using var browser = await Browser.OpenAsync();

        foreach (var width in new[] { 390, 1280 })
        {
            var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = 800 } });
            await page.GotoAsync(server.BaseUrl);
            var answer = await page.RunAndWaitForResponseAsync(
                () => page.EvaluateAsync(SubmitForm, new[] { fields, valueLength }), r => r.Request.Method == "POST");
            await page.WaitForLoadStateAsync(LoadState.Load);

            Assert.That(answer.Status, Is.EqualTo(status));
            Assert.That(await page.Locator("main h1").InnerTextAsync(), Is.EqualTo(heading));
            Assert.That(await page.Locator("header").InnerTextAsync(), Does.Contain("Newsletter"), "inside the site layout");
            await Browser.ScreenshotAsync(page, $"{name}-{width}");
            await page.CloseAsync();
        }
    }
}
