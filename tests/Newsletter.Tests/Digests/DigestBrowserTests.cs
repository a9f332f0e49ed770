using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Digests;

/// <summary>The HTML digest and its "view in browser" copy in Chromium at desktop and phone widths, kept as screenshots.</summary>
public partial class DigestBrowserTests
{
    [TestCase(1280, "digest-1280")]
    [TestCase(390, "digest-390")]
    [TestCase(320, "digest-320")]
    public async Task HtmlDigest_FitsTheWidth_AndLoadsNothingExternal(int width, string name)
    {
        var html = DigestSamples.Renderer().Render(DigestSamples.Content()).Html;
        await using var browser = await Browser.OpenAsync();
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

    // Issue 11.7: on a phone the digest's links were 13 px text links, too small to tap.
    [TestCase(390)]
    [TestCase(320)]
    public async Task LinksTooSmallToTapOnPhones_Bug_EveryLinkIsAtLeast44PixelsTall(int width)
    {
        var html = DigestSamples.Renderer().Render(DigestSamples.Content()).Html;
        await using var browser = await Browser.OpenAsync();
        var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });

        await page.SetContentAsync(html);
        var heights = await page.EvaluateAsync<Dictionary<string, double>>(
            "() => Object.fromEntries([...document.querySelectorAll('a')].map((a, i) => [i + ': ' + a.textContent.trim(), a.getBoundingClientRect().height]))");

        Assert.That(heights, Has.Count.GreaterThan(20), "the sample digest's links");
        Assert.That(heights.Where(h => h.Value < 44).Select(h => $"{h.Key} ({h.Value} px)"), Is.Empty, "links shorter than 44 px");
    }

    // Issue 11.7: the archive copy had no `main` landmark and its content sat outside any landmark.
    [TestCase(1280, "digest-archive-1280")]
    [TestCase(390, "digest-archive-390")]
    public async Task ArchiveCopyWithoutLandmarks_Bug_ArchivePageHasHeaderMainFooter_AndOrderedHeadings(int width, string name)
    {
        var html = DigestSamples.Renderer().Render(DigestSamples.Content() with
        {
            IsArchive = true, ArchiveUrl = null, SubscribeUrl = "https://papers.example.org/",
        }).Html;
        await using var browser = await Browser.OpenAsync();
        var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });

        await page.SetContentAsync(html);
        var shot = await Browser.ScreenshotAsync(page, name);
        // Kept beside the screenshot, to audit by hand (e.g. with axe-core).
        File.WriteAllText(Path.ChangeExtension(shot, ".html"), html);

        Assert.That(await page.Locator("main").CountAsync(), Is.EqualTo(1));
        Assert.That(await page.Locator("main h2").CountAsync(), Is.EqualTo(DigestSamples.Entries.Count), "every paper inside main");
        var outside = await page.EvaluateAsync<string[]>(
            """
            () => {
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              const outside = [];
              while (walker.nextNode()) {
                const text = walker.currentNode.textContent.trim();
                if (text && !walker.currentNode.parentElement.closest('header, main, footer')) outside.push(text);
              }
              return outside;
            }
            """);
        Assert.That(outside, Is.Empty, "text outside the header, main and footer landmarks");
        var levels = await page.EvaluateAsync<int[]>("() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])");
        Assert.That(levels[0], Is.EqualTo(1));
        Assert.That(levels.Zip(levels.Skip(1)).Where(p => p.Second > p.First + 1), Is.Empty, "no heading level skipped");
        Assert.That(await page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Subscribe to Newsletter" }).GetAttributeAsync("href"),
            Is.EqualTo("https://papers.example.org/"));
    }
    // The pages a digest's links open, as served: the archive copy and the stop-a-search page.
    [TestCase(1280)]
    [TestCase(390)]
    public async Task ServedArchiveAndStopSearchPages_FitTheWidth(int width)
    {
        var confirmed = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        var due = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
        await using var world = new DigestWorld(confirmed);
        world.AddPaper("Flow Matching for Proteins", "Flow matching generates protein backbones.", confirmed.AddHours(1), "A. One", 12, "2611.00002");
        world.AddReader("reader@example.org", confirmed, [DigestWorld.Keyword("\"flow matching\" OR proteins")]);
        var text = (await world.SendOneDigestAsync(due)).TextBody ?? "";
        var client = world.CreateClient();
        await using var browser = await Browser.OpenAsync();
        var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });

        foreach (var (pattern, name) in new[] { (@"http://localhost/digests/\S+", "archive-served"), (@"http://localhost/manage/\S+/stop-search/\S+", "stop-search") })
        {
            var html = await client.GetStringAsync(new Uri(Regex.Match(text, pattern).Value).PathAndQuery);
            await page.SetContentAsync(html);
            await Browser.ScreenshotAsync(page, $"{name}-{width}");
            Assert.That(await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), Is.LessThanOrEqualTo(width), name);
            Assert.That(await page.Locator("main").CountAsync(), Is.EqualTo(1), name);
            Assert.That(await page.Locator("h1").InnerTextAsync(), Does.Contain(name == "stop-search" ? "\"flow matching\" OR proteins" : "1 new paper"), name);
        }
    }
}
