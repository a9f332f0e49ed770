using Microsoft.Extensions.Time.Testing;
using Newsletter.Listings;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Listings;

/// <summary>ListingSourceStore and SourceRunStore on both providers, the same cases on each.</summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class ListingStoreTests(string provider) : OnBothProviders(provider)
{
    [Test]
    public void Validators_AreKeptPerUrl_AndReplacedByTheNextResponse()
    {
        var store = new ListingSourceStore(Db.Database, new FakeTimeProvider(Now));
        const string url = "https://huggingface.co/api/daily_papers?date=2026-12-01";

        Assert.That((store.Get(url), store.WasRead(url)), Is.EqualTo(((HttpValidators?)null, false)));
        store.Save(url, new HttpValidators("\"v1\"", "Tue, 01 Dec 2026 08:00:00 GMT"));
        store.Save(url, new HttpValidators("\"v2\"", null));

        Assert.That(store.Get(url), Is.EqualTo(new HttpValidators("\"v2\"", null)));
        Assert.That(store.WasRead(url), Is.True);
        Assert.That(store.WasRead(url + "x"), Is.False);
    }

    [Test]
    public void SourceRuns_KeepTheLastRun_AddUpTotals_AndRememberTheLastGoodRead()
    {
        var store = new SourceRunStore(Db.Database);

        store.Record(new SourceRunResult("hf", 5, 1, 0, 2, null), Now);
        store.Record(new SourceRunResult("hf", 0, 0, 0, 0, "cannot fetch: 503"), Now.AddHours(1));
        store.Record(new SourceRunResult("arxiv", 3, 0, 2, 1, null), Now.AddHours(1));

        var runs = store.All();
        Assert.That(runs.Select(r => r.Source), Is.EqualTo(new[] { "arxiv", "hf" }));
        var hf = runs[1];
        Assert.That((hf.RanAt, hf.New, hf.DaysRead, hf.Failure, hf.LastOkAt), Is.EqualTo((Now.AddHours(1), 0, 0, "cannot fetch: 503", (DateTimeOffset?)Now)));
        Assert.That((hf.NewTotal, hf.DuplicateTotal, runs[0].RejectedTotal), Is.EqualTo((5L, 1L, 2L)));
    }
}
