using Newsletter.Tests.Support;

namespace Newsletter.Tests.Digests;

/// <summary>
/// A planning run's query budget times each filter's query and nothing else: reading the next page of readers
/// (or anything else on the run's connection) after a filter's budget ran out must not be interrupted. Found when
/// a 100,000-reader benchmark on a busy machine died with SQLITE_INTERRUPT between two filter queries.
/// </summary>
public class PlanningBudgetTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 7, 0, 0, TimeSpan.Zero);

    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task Planning_ReadsEveryPageOfReaders_AfterAFiltersBudgetRanOut()
    {
        await using var world = new DigestWorld(_workspace, Now, new Dictionary<string, string?> { ["Queries:PlanningBudgetMs"] = "5" });
        var widgets = world.AddPaper("Widgets", "About widgets.", Now.AddHours(-5));
        // Three pages of readers sharing one keyword: it is queried once, on the first page; the later pages are long
        // statements run after that query's budget is spent.
        const int readers = 6000;
        world.AddDueReaders(readers, "widgets", Now.AddHours(-20), Now);
        // Every reading of the clock moves it 10 ms: any check of a 5 ms budget after a restart finds it spent.
        world.Clock.AutoAdvanceAmount = TimeSpan.FromMilliseconds(10);

        var run = world.Planner.Run(Now.AddHours(2));

        Assert.That(run.Readers, Is.EqualTo(readers));
        Assert.That(run.FilterQueries, Is.EqualTo(1));
        Assert.That(world.PapersSentTo(readers / 2), Is.EqualTo(new[] { widgets }));
    }
}
