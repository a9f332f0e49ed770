using Newsletter.Tests.Support;

namespace Newsletter.Tests.Web;

/// <summary>
/// A base for test classes that open the pages of one <see cref="SiteWithReaders"/> in Chromium: both are started
/// once for the class and stopped after its last test.
/// </summary>
public abstract class SiteInBrowserTests
{
    protected SiteWithReaders Site { get; private set; } = null!;

    protected Browser Chromium { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartSiteAndBrowserAsync()
    {
        Site = await SiteWithReaders.StartAsync();
        Chromium = await Browser.OpenAsync();
    }

    [OneTimeTearDown]
    public async Task StopSiteAndBrowserAsync()
    {
        await Chromium.DisposeAsync();
        await Site.DisposeAsync();
    }
}
