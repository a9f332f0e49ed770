using Dapper;
using Microsoft.Data.Sqlite;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Digests;

/// <summary>
/// A page whose ledger write fails fails the run, and no page after it is written, though the planner hands pages
/// to the writer before the ones before them are written: those readers stay due for the next run.
/// </summary>
public class PlanningWriteFailureTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 7, 0, 0, TimeSpan.Zero);

    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task AFailedPageWrite_FailsTheRun_AndNoLaterPageIsWritten()
    {
        await using var world = new DigestWorld(_workspace, Now);
        world.AddPaper("Widgets", "About widgets.", Now.AddHours(-5));
        // Four pages of 2,000 readers; the second page's write fails on one of its readers.
        const int readers = 8000;
        var ids = world.AddDueReaders(readers, "widgets", Now.AddHours(-20), Now);
        using (var connection = world.Get<Database>().Open())
        {
            connection.Execute(
                $"CREATE TRIGGER fail_page BEFORE INSERT ON deliveries WHEN NEW.subscriber_id = {ids[3000]} BEGIN SELECT RAISE(ABORT, 'page write failed'); END");
        }
        var at = Now.AddHours(2);

        var failure = Assert.Throws<SqliteException>(() => world.Planner.Run(at));

        Assert.That(failure!.Message, Does.Contain("page write failed"));
        using var check = world.Get<Database>().Open();
        Assert.That(check.ExecuteScalar<long>("SELECT COUNT(*) FROM deliveries"), Is.EqualTo(2000), "only the first page is written");
        Assert.That(check.ExecuteScalar<long>("SELECT COUNT(*) FROM subscribers WHERE next_due_at <= @at AND id >= @first", new { at, first = ids[2000] }),
            Is.EqualTo(readers - 2000), "every reader from the failed page on is still due");
    }
}
