using Microsoft.Playwright;

namespace Newsletter.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright (the browser download does not work here, so the system binary is used).
/// Screenshots go to <see cref="ArtifactsFolder"/> and are attached to the test result.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright _playwright = null!;

    public IBrowser Instance { get; private set; } = null!;

    /// <summary>Where screenshots are kept: <c>tests/Newsletter.Tests/bin/.../artifacts/screenshots</c>.</summary>
    public static string ArtifactsFolder => Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");

    public static async Task<Browser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath)) Assert.Fail("Chromium is not installed: run tests/run.sh, which installs it");
        var browser = new Browser { _playwright = await Playwright.CreateAsync() };
        browser.Instance = await browser._playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        return browser;
    }

    /// <summary>Saves a full-page screenshot as a test artifact and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ArtifactsFolder);
        var path = Path.Combine(ArtifactsFolder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, name);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Instance.DisposeAsync();
        _playwright.Dispose();
    }
}
