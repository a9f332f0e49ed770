using Newsletter.Tests.Support;

namespace Newsletter.Tests.Admin;

/// <summary>
/// A fixture on the <see cref="AdminScenario"/>: by default seeded once before the first test and disposed after the
/// last, for tests that only read it; fixtures whose tests change it set <see cref="FreshPerTest"/> and get a new one
/// for every test.
/// </summary>
public abstract class AdminScenarioFixture
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
