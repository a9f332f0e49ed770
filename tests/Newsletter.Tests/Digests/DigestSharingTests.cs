using Dapper;
using Newsletter.Digests;
using Newsletter.Matching;
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

    [Test]
    public void APageOfReadersSettledInParts_StoresEveryReadersOwnList_WithItsHighlights()
    {
        // Papers whose abstracts the keywords highlight at different places, so lists differ in papers, labels and marks.
        World.AddPaper("Mamba for Video", "Scanning video frames with Mamba, frame by frame.", Seen);
        World.AddPaper("Selective State Space Models Revisited", "Linear time sequence modelling with mamba and video.", Seen);
        World.AddPaper("Diffusion for Audio", "Denoising audio frames with diffusion.", Seen);
        string[][] keywords = [["video"], ["frames"], ["audio", "video"], ["mamba"], ["denoising", "frames"], ["linear"], ["diffusion"]];
        // More readers than the planner settles at once, in one page: lists first met in one part are repeated in the
        // next ones, and each part's new lists are stored with the marks decided for them.
        var readers = new List<long>();
        for (var i = 0; i < 1300; i++)
        {
            SubscriberFilter[] filters = [Topic("state-space-models"), .. keywords[i % keywords.Length].Select(Keyword)];
            readers.AddRange(World.AddReaders([$"part{i}@example.org"], Confirmed, i % 3 == 0 ? filters : filters[1..]));
        }
        var planned = new Dictionary<long, IReadOnlyList<DigestItem>>();

        World.Planner.Run(Due, onDigest: (reader, digest) => planned[reader.Id] = digest.Items);

        Assert.That(planned.Keys, Is.EquivalentTo(readers));
        Assert.That(planned.Values.Select(FrozenItemText.Of).Distinct().Count(), Is.GreaterThan(5), "readers get lists of their own");
        Assert.That(planned.Values.SelectMany(items => items).Count(item => !item.Marks.IsEmpty), Is.GreaterThan(0), "and highlights");
        foreach (var reader in readers)
            Assert.That(FrozenItemText.Of(DeliveryStore.Items(World.Rows(reader).Single())), Is.EqualTo(FrozenItemText.Of(planned[reader])), $"reader {reader}");
    }
}
