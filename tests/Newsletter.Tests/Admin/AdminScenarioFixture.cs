using System.Net;
using System.Text.RegularExpressions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Admin;

/// <summary>
/// A fixture on the <see cref="AdminScenario"/>: by default seeded once before the first test and disposed after the
/// last, for tests that only read it; fixtures whose tests change it set <see cref="FreshPerTest"/> and get a new one
/// for every test.
/// </summary>
public abstract partial class AdminScenarioFixture
{
    private TestWorkspace? _workspace;

    /// <summary>The scenario the current test reads.</summary>
    protected AdminScenario Scenario { get; private set; } = null!;

    /// <summary>True when each test gets its own scenario (its actions change it).</summary>
    protected virtual bool FreshPerTest => false;

    [OneTimeSetUp]
    public async Task SeedForFixtureAsync()
    {
        if (!FreshPerTest) await SeedAsync();
    }

    [SetUp]
    public async Task SeedForTestAsync()
    {
        if (FreshPerTest) await SeedAsync();
    }

    [TearDown]
    public async Task DisposeAfterTestAsync()
    {
        if (FreshPerTest) await DisposeAsync();
    }

    [OneTimeTearDown]
    public async Task DisposeAfterFixtureAsync()
    {
        if (!FreshPerTest) await DisposeAsync();
    }

    /// <summary>
    /// GETs <paramref name="path"/> (as the operator unless <paramref name="signedIn"/> is false): its status and its HTML
    /// <see cref="Squeezed"/>.
    /// </summary>
    protected async Task<(HttpStatusCode Status, string Html)> GetPageAsync(string path, bool signedIn = true)
    {
        var response = await Scenario.Client(signedIn).GetAsync(path);
        return (response.StatusCode, Squeezed(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>The page with each run of white space folded to one space: tests read its text and tags, not its indentation.</summary>
    protected static string Squeezed(string html) => Space().Replace(html, " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();

    private async Task SeedAsync()
    {
        _workspace = new TestWorkspace();
        Scenario = await AdminScenario.SeedAsync(_workspace);
    }

    private async Task DisposeAsync()
    {
        await Scenario.DisposeAsync();
        _workspace?.Dispose();
    }
}
