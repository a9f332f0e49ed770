using Newsletter.Digests;
using Newsletter.ForYou;
using Newsletter.Listings;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.ForYou;

/// <summary>MarkStore, TasteModelStore and DigestRunStore on both providers, the same cases on each.</summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class ReaderMarkStoreTests(string provider) : OnBothProviders(provider)
{
    private long _reader;
    private long[] _papers = [];

    [SetUp]
    public void SetUp()
    {
        _reader = new SubscriberStore(Db.Database).EnsureExists("reader@example.org", new SubscriptionRequest(), Now);
        var papers = new PaperStore(Db.Database, TimeProvider.System);
        papers.Merge([
            new ListingEntry("State space models for long context", "Mamba layers scale linearly.") { ArxivId = "2612.00001" },
            new ListingEntry("Diffusion for video", "Denoising frames.") { ArxivId = "2612.00002" },
            new ListingEntry("Sparse attention kernels", "Block sparse attention on GPUs.") { ArxivId = "2612.00003" },
        ], "test");
        _papers = [.. Enumerable.Range(1, 3).Select(i => new MarkStore(Db.Database).PaperByArxivId($"2612.0000{i}")!.Value)];
    }

    [Test]
    public void Marks_ReplaceEachOther_AndListNewestFirst()
    {
        var marks = new MarkStore(Db.Database);

        marks.Set(_reader, _papers[0], MarkStore.Less, MarkStore.FromDigest, Now);
        marks.Set(_reader, _papers[0], MarkStore.More, MarkStore.FromLiked, Now.AddMinutes(1));
        marks.Set(_reader, _papers[1], MarkStore.Less, MarkStore.FromDigest, Now.AddMinutes(2));

        Assert.That(marks.Count(_reader), Is.EqualTo(2));
        Assert.That(marks.Find(_reader, _papers[0]), Is.EqualTo(MarkStore.More));
        Assert.That(marks.ForReader(_reader), Is.EqualTo(new[]
        {
            new ReaderMark(_papers[1], "Diffusion for video", "2612.00002", MarkStore.Less, MarkStore.FromDigest, Now.AddMinutes(2)),
            new ReaderMark(_papers[0], "State space models for long context", "2612.00001", MarkStore.More, MarkStore.FromLiked, Now.AddMinutes(1)),
        }));
        Assert.That(marks.Learnable(_reader).Select(m => (m.PaperId, m.Liked)), Is.EqualTo(new[] { (_papers[1], false), (_papers[0], true) }));
        Assert.That(marks.Remove(_reader, _papers[1]), Is.True);
        Assert.That(marks.Remove(_reader, _papers[1]), Is.False);
        Assert.That(marks.Reset(_reader), Is.EqualTo(1));
        Assert.That(marks.PaperByArxivId("9999.99999"), Is.Null);
    }

    [Test]
    public void TasteModels_AreSavedReplacedAndReadInPages()
    {
        var marks = new MarkStore(Db.Database);
        var models = new TasteModelStore(Db.Database);
        marks.Set(_reader, _papers[0], MarkStore.More, MarkStore.FromDigest, Now);
        var other = new SubscriberStore(Db.Database).EnsureExists("other@example.org", new SubscriptionRequest(), Now);

        models.Save(_reader, TasteModel.Build(marks.Learnable(_reader)), Now);
        models.Save(_reader, TasteModel.Build(marks.Learnable(_reader)), Now.AddHours(1));
        models.Save(other, TasteModel.Build(marks.Learnable(_reader)), Now);

        Assert.That(models.Readers(), Is.EquivalentTo(new[] { _reader, other }));
        Assert.That(models.Find(_reader), Is.EqualTo(TasteModel.Build(marks.Learnable(_reader)).Pack()));
        Assert.That(models.From(_reader + 1, 10).Select(m => m.SubscriberId), Is.EqualTo(new[] { other }));
        Assert.That(models.From(_reader, 1).Single().Model, Is.EqualTo(models.Find(_reader)));
        Assert.That(models.WindowPapers(_papers[0], _papers[2]).Select(p => p.Id), Is.EqualTo(_papers[1..]));
        models.Delete(_reader);
        Assert.That(models.Find(_reader), Is.Null);
    }

    [Test]
    public void PackStored_PacksTheModelsStoredAsJson_KeepsANewerPackedOne_AndEmptiesTheOldTable()
    {
        var models = new TasteModelStore(Db.Database);
        var other = new SubscriberStore(Db.Database).EnsureExists("other@example.org", new SubscriptionRequest(), Now);
        // As TasteModel serialised itself before migration 0028: terms by word.
        var json = $$$"""{"profile":{"mamba":1},"liked":[{"paperId":{{{_papers[0]}}},"title":"State space models","terms":{"mamba":1}}],"marked":[{{{_papers[0]}}}]}""";
        var old = new TasteModel(new Dictionary<ulong, float> { [PaperTerms.Key("mamba")] = 1 },
            [new TasteExample(_papers[0], "State space models", new Dictionary<ulong, float> { [PaperTerms.Key("mamba")] = 1 })], [_papers[0]]);
        var newer = new TasteModel(new Dictionary<ulong, float> { [PaperTerms.Key("diffusion")] = 1 }, [], [_papers[1]]);
        using (var connection = Db.Database.Connect())
        {
            // As rows were written before migration 0028.
            foreach (var reader in new[] { _reader, other })
                Dapper.SqlMapper.Execute(connection, "INSERT INTO reader_models (subscriber_id, model, built_at) VALUES (@reader, @model, @Now)",
                    new { reader, model = json, Now });
        }
        models.Save(other, newer, Now.AddHours(1));

        Assert.That(models.PackStored(), Is.EqualTo(2));
        Assert.That(models.PackStored(), Is.Zero);
        Assert.That(models.Find(_reader), Is.EqualTo(old.Pack()));
        Assert.That(models.Find(other), Is.EqualTo(newer.Pack()), "a model packed since the JSON one was stored wins");
        Assert.That(models.Readers(), Is.EquivalentTo(new[] { _reader, other }));
    }

    [Test]
    public void DigestRuns_KeepTheNewest()
    {
        var runs = new DigestRunStore(Db.Database);
        Assert.That(runs.Last(), Is.Null);

        runs.Record(new DigestRun { StartedAt = Now, Readers = 3, Planned = 2, Empty = 1, Sent = 2, PlanMs = 15, SendMs = 40 });
        var newest = new DigestRun { StartedAt = Now.AddMinutes(15), Readers = 1, Planned = 1, Sent = 1, PlanMs = 5, SendMs = 9 };
        runs.Record(newest);

        Assert.That(runs.Last(), Is.EqualTo(newest));
    }
}
