using Microsoft.Playwright;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Web;

/// <summary>
/// The subscribe page (with a preview) and a /papers search at phone and desktop widths in Chromium: kept as
/// screenshots, with the layout's promises checked (compact on a phone, preview beside the form when wide).
/// </summary>
[NonParallelizable]
public class PageLayoutTests : SiteInBrowserTests
{
    [TestCase(390)]
    [TestCase(1280)]
    public async Task SubscribePage_ShowsLinkedPreview_CompactOnPhones_BesideTheFormWhenWide(int width)
    {
        var page = await PageAsync(width);

        await page.GotoAsync(Site.Url("/?topics=state-space-models&keywords=diffusion"));
        var first = page.Locator("#preview-list li").First;
        await Assertions.Expect(first).ToContainTextAsync("matched by");
        await Browser.ScreenshotAsync(page, $"subscribe-preview-{width}");

        Assert.That(await page.Locator("#preview-list li a").First.GetAttributeAsync("href"), Does.StartWith("https://"), "preview titles are links");
        Assert.That(await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(width), "no sideways scrolling");
        var button = (await page.Locator("button[value=save]").BoundingBoxAsync())!;
        var fields = (await page.Locator("#preferences .fields").BoundingBoxAsync())!;
        var preview = (await page.Locator("#preview").BoundingBoxAsync())!;
        if (width < 600)
        {
            // It was at ~2,450 px with one topic per line.
            Assert.That(button.Y, Is.LessThan(1500), "the 22 topics leave the Subscribe button within reach on a phone");
            Assert.That(button.Height, Is.GreaterThanOrEqualTo(44), "a tappable button");
        }
        else
        {
            Assert.That(preview.X, Is.GreaterThanOrEqualTo(fields.X + fields.Width), "the preview sits beside the form");
            Assert.That(preview.Y, Is.LessThan(fields.Y + 200), "level with the top of the form");
        }

        // Readers whose system is dark get dark colours (axe checks their contrast in AccessibilityTests).
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
        await Browser.ScreenshotAsync(page, $"subscribe-preview-{width}-dark");
        Assert.That(await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor"), Is.EqualTo("rgb(15, 23, 42)"));
    }

    [TestCase(390)]
    [TestCase(1280)]
    public async Task PapersSearch_FitsTheWidth_WithTheSubscribeLinkUpFront(int width)
    {
        var page = await PageAsync(width);

        await page.GotoAsync(Site.Url("/papers?q=mamba"));
        await Browser.ScreenshotAsync(page, $"papers-search-{width}");

        Assert.That(await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(width), "no sideways scrolling");
        Assert.That(await page.Locator(".papers h3 a").AllInnerTextsAsync(), Does.Contain("Quantized Mamba on Phones"));
        var subscribe = (await page.Locator("#subscribe-link").BoundingBoxAsync())!;
        Assert.That(subscribe.Y, Is.LessThan(400), "\"Get these by email\" is seen before the results");
    }

    private async Task<IPage> PageAsync(int width)
    {
        var context = await Chromium.Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });
        return await context.NewPageAsync();
    }
}
