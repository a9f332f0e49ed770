using Microsoft.Playwright;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Digests;

/// <summary>The HTML digest in Chromium at desktop and phone widths, kept as screenshots.</summary>
public class DigestBrowserTests
{
    [TestCase(1024, "digest-desktop")]
    [TestCase(320, "digest-phone")]
    public async Task HtmlDigest_FitsTheWidth_AndLoadsNothingExternal(int width, string name)
    {
        var html = DigestSamples.Renderer().Render(DigestSamples.Content()).Html;
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);

        await page.SetContentAsync(html);
        await Browser.ScreenshotAsync(page, name);

        Assert.That(await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(width), "no sideways scrolling");
        Assert.That(await page.Locator("mark").First.InnerTextAsync(), Is.EqualTo("state"));
        Assert.That(await page.Locator("a", new PageLocatorOptions { HasText = "Mamba Goes Multimodal" }).GetAttributeAsync("href"),
            Is.EqualTo("https://arxiv.org/abs/2611.01234"));
        Assert.That(requests, Is.Empty, "no images, fonts or scripts fetched");
    }
}
