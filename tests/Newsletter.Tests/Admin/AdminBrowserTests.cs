using Microsoft.Playwright;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Admin;

/// <summary>
/// The operator pages in Chromium against the real executable, on the seeded scenario ending today: screenshots at
/// a phone's and a desktop's width (light and dark), no horizontal scrolling, and no axe-core violations.
/// </summary>
[NonParallelizable]
public class AdminBrowserTests
{
    private TestWorkspace _workspace = null!;
    private ServedNewsletter _served = null!;
    private Browser _browser = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _workspace = new TestWorkspace();
        var today = DateTimeOffset.UtcNow.Date;
        await (await AdminScenario.SeedAsync(_workspace, new DateTimeOffset(today, TimeSpan.Zero).AddHours(12))).DisposeAsync();
        _served = await ServedNewsletter.StartAsync(_workspace, new Dictionary<string, string> { ["Admin:Password"] = AdminScenario.Password });
        _browser = await Browser.OpenAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _browser.DisposeAsync();
        await _served.DisposeAsync();
        _workspace.Dispose();
    }

    private async Task<IPage> OpenAsync(string path, int width, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await _browser.Instance.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
            ColorScheme = scheme,
            HttpCredentials = new HttpCredentials { Username = "admin", Password = AdminScenario.Password },
        });
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(_served.BaseUrl + path);
        Assert.That(response?.Status, Is.EqualTo(200), path);
        return page;
    }

    [TestCase(390)]
    [TestCase(1280)]
    public async Task Overview_FitsTheScreen_AndDrawsEveryChart(int width)
    {
        var page = await OpenAsync("/admin", width);

        Assert.That(await page.Locator("svg[role=img] title").AllInnerTextsAsync(), Has.Count.EqualTo(4));
        Assert.That(await page.Locator(".warning").InnerTextAsync(), Does.Contain("bounce rate 50%"));
        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.That(overflow, Is.LessThanOrEqualTo(0), "no sideways scrolling: wide tables scroll inside their own box");
        await Browser.ScreenshotAsync(page, $"admin-overview-{width}");
        // The rates chart alone, at the size it is read: its reference lines and labels are the smallest parts.
        var rates = Path.Combine(Browser.ArtifactsFolder, $"admin-rates-chart-{width}.png");
        await page.Locator("figure.chart").Nth(2).ScreenshotAsync(new LocatorScreenshotOptions { Path = rates });
        TestContext.AddTestAttachment(rates);
        var dark = await OpenAsync("/admin", width, ColorScheme.Dark);
        await Browser.ScreenshotAsync(dark, $"admin-overview-{width}-dark");
    }

    [Test]
    public async Task Overview_HasNoAxeViolations()
    {
        var page = await OpenAsync("/admin", 1280);
        await page.Locator("details.numbers").First.EvaluateAsync("d => d.open = true");

        await AxeAudit.AssertNoViolationsAsync(page, "the operator overview");
    }

    [TestCase(390)]
    [TestCase(1280)]
    public async Task ReaderAndDeliveries_FitTheScreen(int width)
    {
        var reader = await OpenAsync("/admin/readers?email=ada@example.org", width);
        await reader.Locator("details").First.EvaluateAsync("d => d.open = true");
        var suppressed = await OpenAsync("/admin/readers?email=dan@example.org", width);
        var deliveries = await OpenAsync("/admin/deliveries?state=failed", width);

        foreach (var (page, name) in new[] { (reader, "admin-reader"), (suppressed, "admin-reader-suppressed"), (deliveries, "admin-deliveries") })
        {
            await Browser.ScreenshotAsync(page, $"{name}-{width}");
            var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
            var widest = await page.EvaluateAsync<string>("[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className).slice(0, 5).join(' ')");
            Assert.That(overflow, Is.LessThanOrEqualTo(0), $"{name}: no sideways scrolling ({widest})");
        }
        Assert.That(await reader.Locator("details li").AllInnerTextsAsync(), Is.EqualTo(new[] { "Selective state space models for audio" }));
        Assert.That(await deliveries.Locator("tbody th a").AllInnerTextsAsync(), Is.EqualTo(new[] { "dan@example.org" }));
        var lift = await OpenAsync(await suppressed.Locator("a", new PageLocatorOptions { HasText = "Lift the suppression" }).GetAttributeAsync("href") ?? "", width);
        await Browser.ScreenshotAsync(lift, $"admin-lift-{width}");
    }

    [TestCase("/admin/readers?email=dan@example.org")]
    [TestCase("/admin/readers")]
    [TestCase("/admin/deliveries?state=failed")]
    [TestCase("/admin/deliveries/resend?state=unknown")]
    public async Task OperatorPages_HaveNoAxeViolations(string path)
    {
        var page = await OpenAsync(path, 1280);
        foreach (var details in await page.Locator("details").AllAsync()) await details.EvaluateAsync("d => d.open = true");

        await AxeAudit.AssertNoViolationsAsync(page, path);
    }
}
