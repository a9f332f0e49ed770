using Microsoft.Playwright;

namespace Newsletter.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright (the browser download does not work here, so the system binary is used),
/// started on first use, once per run, and stopped by <see cref="BrowserLifetime"/>. Each test opens its own
/// <see cref="Browser"/> on it: the pages and contexts it makes are closed when that is disposed, so no test sees
/// another's cookies or pages. Screenshots go to <see cref="ArtifactsFolder"/> and are attached to the test result.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly SemaphoreSlim Starting = new(1, 1);
    private static IPlaywright? _playwright;
    private static IBrowser? _shared;

    private readonly HashSet<IBrowserContext> _before;

    private Browser(IBrowser instance)
    {
        Instance = instance;
        _before = [.. instance.Contexts];
    }

    /// <summary>The run's Chromium; what a test opens on it is closed with this <see cref="Browser"/>.</summary>
    public IBrowser Instance { get; }

    /// <summary>Where screenshots are kept: <c>tests/Newsletter.Tests/bin/.../artifacts/screenshots</c>.</summary>
    public static string ArtifactsFolder => Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");

    /// <summary>The test's view of the run's Chromium, started if this is its first use (or it has gone).</summary>
    public static async Task<Browser> OpenAsync()
    {
        if (!File.Exists(ChromiumPath)) Assert.Fail("Chromium is not installed: run tests/run.sh, which installs it");
        await Starting.WaitAsync();
        try
        {
            if (_shared is not { IsConnected: true })
            {
                _playwright ??= await Playwright.CreateAsync();
                _shared = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = ChromiumPath,
                    Headless = true,
                    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
                });
            }
            return new Browser(_shared);
        }
        finally
        {
            Starting.Release();
        }
    }

    /// <summary>Stops the run's Chromium and its Playwright driver, if they were started.</summary>
    public static async Task StopSharedAsync()
    {
        if (_shared is not null) await _shared.DisposeAsync();
        _playwright?.Dispose();
        (_shared, _playwright) = (null, null);
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

    /// <summary>Closes every context (and its pages) opened since this test's <see cref="OpenAsync"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var context in Instance.Contexts.Where(c => !_before.Contains(c)).ToList()) await context.CloseAsync();
    }
}
