using Dapper;
using Newsletter.Digests;
using Newsletter.Storage;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.Digests;

/// <summary>Readers with the same filters get the same papers within a run; each still gets exactly their own digest.</summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class DigestSharingTests(string provider) : DigestWorldFixture(Confirmed, provider)
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Seen = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public void ReadersWithTheSameFilters_GetTheSameDigest_UnlessTheirWindowsDiffer()
    {
        var older = World.AddPaper("Mamba for Video", "Scanning video frames with Mamba.", Seen);
        var newer = World.AddPaper("Selective State Space Models Revisited", "Linear time sequence modelling with mamba.", Seen);
        var alike = Enumerable.Range(0, 3)
            .Select(i => World.AddReader($"alike{i}@example.org", Confirmed, [Topic("state-space-models"), Keyword("video")]))
            .ToList();
        var caughtUp = World.AddReader("caught-up@example.org", Confirmed, [Topic("state-space-models"), Keyword("video")]);
        using (var connection = World.Get<Database>().Connect())
            connection.Execute("UPDATE subscribers SET last_seq = @lastSeq WHERE id = @id", new { lastSeq = older, id = caughtUp.Id });

        var planned = World.Planner.PlanDue(Due);

        Assert.That(planned, Is.EqualTo(4));
        foreach (var reader in alike)
        {
            var items = DeliveryStore.Items(World.Rows(reader.Id).Single());
            Assert.That(items.Select(i => i.Paper), Is.EquivalentTo(new[] { older, newer }), reader.Email);
            Assert.That(items.Single(i => i.Paper == older).Labels, Is.EquivalentTo(new[] { "state-space-models", "keyword:video" }));
        }
        Assert.That(World.PapersSentTo(caughtUp.Id), Is.EqualTo(new[] { newer }), "the paper they already had is left out");
    }

    [Test]
    public void PlanningTwice_ForTheSameTime_CreatesNothingNew()
    {
        World.AddPaper("Mamba for Video", "Scanning video frames with Mamba.", Seen);
        var readers = Enumerable.Range(0, 5)
            .Select(i => World.AddReader($"twice{i}@example.org", Confirmed, [Topic("state-space-models")]))
            .ToList();

        var first = World.Planner.PlanDue(Due);
        var rows = readers.Select(r => World.Rows(r.Id).Single().ItemsJson).ToList();
        var second = World.Planner.PlanDue(Due);

        Assert.That((first, second), Is.EqualTo((5, 0)));
        Assert.That(readers.Select(r => World.Rows(r.Id).Single().ItemsJson), Is.EqualTo(rows));
    }
}
