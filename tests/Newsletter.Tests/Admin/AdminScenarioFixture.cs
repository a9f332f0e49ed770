using Newsletter.Tests.Support;

namespace Newsletter.Tests.Admin;

/// <summary>
/// A fixture whose tests all read one <see cref="AdminScenario"/>, seeded once before the first test and disposed
/// after the last. Tests that change the data seed their own scenario instead.
/// </summary>
public abstract class AdminScenarioFixture
{
    private TestWorkspace _workspace = null!;

    /// <summary>The scenario every test of the fixture reads.</summary>
    protected AdminScenario Scenario { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task SeedScenarioAsync()
    {
        _workspace = new TestWorkspace();
        Scenario = await AdminScenario.SeedAsync(_workspace);
    }

    [OneTimeTearDown]
    public async Task DisposeScenarioAsync()
    {
        await Scenario.DisposeAsync();
        _workspace.Dispose();
    }
}
