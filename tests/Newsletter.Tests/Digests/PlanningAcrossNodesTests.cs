using Dapper;
using Microsoft.Extensions.Configuration;
using Newsletter.Digests;
using Newsletter.Storage;
using Newsletter.Tests.Support;
using Npgsql;

namespace Newsletter.Tests.Digests;

/// <summary>
/// Planning on one PostgreSQL database by several nodes at once: pages of due readers are claimed, a page another
/// node holds is skipped, a dead node's page is planned by the next run, and every due reader gets one digest.
/// </summary>
public class PlanningAcrossNodesTests() : DigestWorldFixture(Confirmed, StorageProviders.Postgres)
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    // More than two planning pages (2,000 readers each), so that a page can be held while others are planned.
    private const int Readers = 4500;

    private IReadOnlyList<long> _readers = [];

    [SetUp]
    public void SetUp()
    {
        World.AddPaper("Selective State Space Models Revisited", "Linear time sequence modelling with mamba.", Confirmed.AddHours(2));
        _readers = World.AddReaders(Enumerable.Range(0, Readers).Select(i => $"r{i}@example.org"), Confirmed, [DigestWorld.Topic("state-space-models")]);
    }

    private Dictionary<long, long> RowsPerReader()
    {
        using var connection = World.Get<Database>().Connect();
        return connection.Query<(long Reader, long Rows)>("SELECT subscriber_id, count(*) FROM deliveries GROUP BY subscriber_id")
            .ToDictionary(r => r.Reader, r => r.Rows);
    }

    [Test]
    public async Task TwoPlannersAtOnce_PlanEveryDueReaderExactlyOnce()
    {
        World.Clock.SetUtcNow(Due);
        using var start = new Barrier(2);

        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return World.Planner.Run(Due);
        })));

        var rows = RowsPerReader();
        Assert.That(rows.Keys, Is.EquivalentTo(_readers), "every due reader planned");
        Assert.That(rows.Values, Is.All.EqualTo(1), "none twice");
        Assert.That(runs.Sum(r => r.Planned), Is.EqualTo(Readers), "the two runs' counts add up to one digest per reader");
        TestContext.Out.WriteLine($"planned {runs[0].Planned} + {runs[1].Planned}");
    }

    [Test]
    public void PageHeldByAnotherNode_IsSkipped_AndPlannedByTheNextRunOnceThatNodeIsGone()
    {
        World.Clock.SetUtcNow(Due);
        var other = new NpgsqlConnectionStringBuilder(World.Get<IConfiguration>()["Storage:ConnectionString"]) { Pooling = false };
        var node = new NpgsqlConnection(other.ConnectionString);
        node.Open();
        // Another node is planning the first page: it holds the page's claim.
        node.Execute("SELECT pg_advisory_lock(@PageLock, @first)", new { DueReaderStore.PageLock, first = (int)_readers[0] });

        var first = World.Planner.Run(Due);

        var rows = RowsPerReader();
        Assert.That(first.Planned, Is.EqualTo(Readers - 2000), "every page but the held one");
        Assert.That(_readers.Take(2000).Where(rows.ContainsKey), Is.Empty, "the held page is left to its node");

        node.Dispose(); // the node dies mid-page: its connection ends, and with it the claim; it wrote nothing
        var second = World.Planner.Run(Due);

        rows = RowsPerReader();
        Assert.That(second.Planned, Is.EqualTo(2000), "the dead node's page is taken over");
        Assert.That(rows.Keys, Is.EquivalentTo(_readers));
        Assert.That(rows.Values, Is.All.EqualTo(1));
    }
}
