using Dapper;
using Newsletter.Digests;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>Writing a page of planned digests: each reader advanced at most once, guarded by their previous due time.</summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class LedgerPlanTests(string provider) : DigestWorldFixture(Confirmed, provider)
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public void ReaderAlreadyAdvancedByAnotherPlanner_GetsNoRow_OthersInTheSamePageDo()
    {
        var paper = World.AddPaper("Mamba for Video", "Scanning video frames with Mamba.", Confirmed.AddHours(1));
        var readers = Enumerable.Range(0, 4)
            .Select(i => World.AddReader($"page{i}@example.org", Confirmed, [DigestWorld.Topic("state-space-models")]))
            .ToList();
        var next = Due.AddDays(1);
        using (var connection = World.Get<Database>().Connect())
            connection.Execute("UPDATE subscribers SET next_due_at = @next WHERE id = @id", new { next, id = readers[1].Id });
        var digests = readers.Select(r => new PlannedDigest(
            r.Id, "daily:2026-11-24", Due.AddDays(-1), Due, [new DigestItem(paper, ["state-space-models"], 1.5)], paper, Due, next)).ToList();

        var created = World.Get<DeliveryStore>().Plan(digests, "example.org", sendEmpty: false, Due, out var advanced);
        var again = World.Get<DeliveryStore>().Plan(digests, "example.org", sendEmpty: false, Due, out var advancedAgain);

        Assert.That((created, advanced), Is.EqualTo((3, 3)));
        Assert.That((again, advancedAgain), Is.EqualTo((0, 0)), "a repeated write changes nothing");
        Assert.That(readers.Select(r => World.Rows(r.Id).Count), Is.EqualTo(new[] { 1, 0, 1, 1 }));
        Assert.That(readers.Select(r => World.Reader(r.Id).LastSeq), Is.EqualTo(new long?[] { paper, null, paper, paper }));
        Assert.That(DeliveryStore.Items(World.Rows(readers[0].Id).Single()).Single().Labels, Is.EqualTo(new[] { "state-space-models" }));
    }
}
