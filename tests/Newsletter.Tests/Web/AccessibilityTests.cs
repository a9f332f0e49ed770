using Microsoft.Playwright;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Web;

/// <summary>
/// Every page a reader can reach, opened in Chromium against the real executable and audited with axe-core (WCAG 2.0
/// and 2.1 A and AA, plus best practices): no violations allowed. Each page is reached the way a reader reaches it.
/// </summary>
[NonParallelizable]
public class AccessibilityTests : SiteInBrowserTests
{
    public static IEnumerable<TestCaseData> Pages()
    {
        TestCaseData Page(string name, Func<SiteWithReaders, IPage, Task> reach) => new TestCaseData(name, reach).SetName($"Page_HasNoAxeViolations({name})");
        yield return Page("subscribe", (s, p) => Go(p, s.Url("/")));
        yield return Page("subscribe-with-preview", async (s, p) =>
        {
            await Go(p, s.Url("/?topics=state-space-models&keywords=diffusion"));
            await Assertions.Expect(p.Locator("#preview-list li").First).ToBeVisibleAsync();
        });
        yield return Page("subscribe-with-errors", async (s, p) =>
        {
            await Go(p, s.Url("/"));
            await p.FillAsync("#email", "not-an-address");
            await p.FillAsync("#keywords", "(unbalanced");
            await p.ClickAsync("button[value=save]");
            await Assertions.Expect(p.Locator("#email-error")).ToBeVisibleAsync();
        });
        yield return Page("check-inbox", (s, p) => Go(p, s.Url("/check-inbox")));
        yield return Page("confirm", (s, p) => Go(p, s.Url(s.ConfirmValid)));
        yield return Page("confirmed", async (s, p) =>
        {
            await Go(p, s.Url(s.ConfirmForPost));
            // Where a GET only asks for a click (mail scanners open links), the reader clicks.
            var button = p.Locator("main form button[type=submit]");
            if (await button.CountAsync() == 1) await button.ClickAsync();
        });
        yield return Page("manage", (s, p) => Go(p, s.Url(s.Manage)));
        yield return Page("manage-saved", (s, p) => Go(p, s.Url(s.Manage + "?saved=1")));
        yield return Page("stop-topic", (s, p) => Go(p, s.Url(s.Manage + "/stop/state-space-models")));
        yield return Page("topic-stopped", async (s, p) =>
        {
            await Go(p, s.Url(s.Manage + "/stop/diffusion"));
            await p.ClickAsync("#stop-button");
            await Assertions.Expect(p.Locator("h1")).ToContainTextAsync("is stopped");
        });
        yield return Page("unsubscribe", (s, p) => Go(p, s.Url(s.Unsubscribe)));
        yield return Page("unsubscribed", async (s, p) =>
        {
            await Go(p, s.Url(s.Unsubscribe));
            await p.ClickAsync("#unsubscribe-button");
            await Assertions.Expect(p.Locator("h1")).ToHaveTextAsync("You are unsubscribed");
        });
        yield return Page("deleted", async (s, p) =>
        {
            await Go(p, s.Url(s.ManageToDelete));
            await p.ClickAsync("#delete-button");
            await Assertions.Expect(p.Locator("h1")).ToContainTextAsync("deleted");
        });
        yield return Page("link-expired", (s, p) => Go(p, s.Url(s.ConfirmExpired)));
        yield return Page("link-used", (s, p) => Go(p, s.Url(s.ConfirmUsed)));
        yield return Page("link-unknown", (s, p) => Go(p, s.Url("/confirm/no-such-token")));
        yield return Page("bad-request", async (s, p) =>
        {
            // A form POST without its antiforgery token, as a stale or forged form sends it.
            await Go(p, s.Url("/check-inbox"));
            await p.EvaluateAsync("() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/confirm/x/renew'; document.body.append(f); f.submit(); }");
            await Assertions.Expect(p.Locator("h1")).ToHaveTextAsync("That did not work");
        });
        yield return Page("papers", (s, p) => Go(p, s.Url("/papers")));
        yield return Page("papers-older", (s, p) => Go(p, s.Url("/papers?before=2026-11-24")));
        yield return Page("papers-search", (s, p) => Go(p, s.Url("/papers?q=mamba")));
        yield return Page("papers-bad-search", (s, p) => Go(p, s.Url("/papers?q=%28unbalanced")));
    }

    [TestCaseSource(nameof(Pages))]
    public async Task Page_HasNoAxeViolations(string name, Func<SiteWithReaders, IPage, Task> reach)
    {
        await using var context = await Chromium.Instance.NewContextAsync();
        var page = await context.NewPageAsync();
        await reach(Site, page);
        await AxeAudit.AssertNoViolationsAsync(page, name);

        // Dark mode changes only colours: the page the reader ended on is checked again for contrast.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
        await AxeAudit.AssertNoViolationsAsync(page, name + " in dark mode", ["color-contrast"]);
    }

    [Test]
    public async Task ViewInBrowserCopy_HasNoAxeViolations()
    {
        await using var context = await Chromium.Instance.NewContextAsync();
        var page = await context.NewPageAsync();

        await Go(page, Site.Url(Site.Archive));

        Assert.That(await page.Locator("body").InnerTextAsync(), Does.Contain("Selective State Spaces for Hour-Long Video"));
        await AxeAudit.AssertNoViolationsAsync(page, "the \"view in browser\" copy of a digest");
    }

    private static async Task Go(IPage page, string url)
    {
        var response = await page.GotoAsync(url);
        Assert.That(response, Is.Not.Null, url);
    }
}
