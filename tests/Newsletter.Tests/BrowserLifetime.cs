namespace Newsletter.Tests;

/// <summary>Stops the shared Chromium (see <see cref="Support.Browser"/>) once every test has run.</summary>
[SetUpFixture]
public sealed class BrowserLifetime
{
    [OneTimeTearDown]
    public Task Stop() => Support.Browser.StopSharedAsync();
}
