using System.Text.Json;
using Dapper;
using Newsletter.Storage;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.Digests;

/// <summary>
/// Previews share one window of papers, and the results of catalog topics in it, until any paper changes: a paper
/// added, re-scored (upvotes) or revised after an earlier preview is in the next one, ranked as the digest ranks it.
/// </summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class PreviewWindowTests(string provider)
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Seen = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private DigestWorld _world = null!;

    [TearDown]
    public async Task TearDown()
    {
        if (_world is not null) await _world.DisposeAsync();
    }

    private DigestWorld World(IDictionary<string, string?>? settings = null) => _world = new DigestWorld(Due.AddHours(-1), provider, settings);

    private async Task<(int Count, IReadOnlyList<string?> Titles)> PreviewAsync(string query)
    {
        using var preview = JsonDocument.Parse(await _world.CreateClient().GetStringAsync("/api/preview?" + query));
        return (preview.RootElement.GetProperty("count").GetInt32(),
            preview.RootElement.GetProperty("papers").EnumerateArray().Select(p => p.GetProperty("title").GetString()).ToList());
    }

    private void Execute(string sql, object parameters)
    {
        using var connection = _world.Get<Database>().Connect();
        connection.Execute(sql, parameters);
    }

    [Test]
    public async Task Preview_ListsAPaperAddedAfterAnEarlierPreview()
    {
        World();
        _world.AddPaper("Diffusion for Proteins", "Denoising protein structures.", Seen);
        _world.AddPaper("Diffusion for Audio", "Denoising waveforms.", Seen);
        var before = await PreviewAsync("topics=diffusion");

        _world.AddPaper("Diffusion for Maps", "Denoising satellite images.", Seen);
        var after = await PreviewAsync("topics=diffusion");

        Assert.That(before.Count, Is.EqualTo(2));
        Assert.That(after.Count, Is.EqualTo(3));
        Assert.That(after.Titles, Does.Contain("Diffusion for Maps"));
    }

    [Test]
    public async Task Preview_FollowsUpvotesChangedAfterAnEarlierPreview_InTheDigestsOrder()
    {
        World();
        var first = _world.AddPaper("Diffusion A", "About denoising.", Seen, upvotes: 5);
        _world.AddPaper("Diffusion B", "About denoising.", Seen, upvotes: 10);
        _world.AddPaper("Kernels C", "About kernels and denoising.", Seen, upvotes: 7);
        var before = await PreviewAsync("topics=diffusion&keywords=kernels&order=trending");

        // As an ingest (in this process or the `ingest` verb's) raises a paper's count.
        Execute("UPDATE papers SET upvotes = 50 WHERE id = @first", new { first });
        var after = await PreviewAsync("topics=diffusion&keywords=kernels&order=trending");
        var reader = _world.AddReader("reader@example.org", Confirmed, [Topic("diffusion"), Keyword("kernels")], order: "trending");
        _world.Planner.PlanDue(Due);
        var titles = _world.Get<Newsletter.Listings.PaperStore>().Get(_world.PapersSentTo(reader.Id).ToList()).Select(p => p.Title);

        Assert.That(before.Titles, Is.EqualTo(new[] { "Diffusion B", "Kernels C", "Diffusion A" }));
        Assert.That(after.Titles, Is.EqualTo(new[] { "Diffusion A", "Diffusion B", "Kernels C" }));
        Assert.That(after.Titles, Is.EqualTo(titles), "the preview is the digest");
    }

    [Test]
    public async Task Preview_DropsAPaperWhoseAbstractWasRevisedAway()
    {
        World();
        var revised = _world.AddPaper("Paper One", "A diffusion model.", Seen);
        _world.AddPaper("Paper Two", "A diffusion model too.", Seen);
        var before = await PreviewAsync("topics=diffusion");

        Execute("UPDATE papers SET abstract = 'A transformer.' WHERE id = @revised", new { revised });
        var after = await PreviewAsync("topics=diffusion");

        Assert.That(before.Titles, Is.EquivalentTo(new[] { "Paper One", "Paper Two" }));
        Assert.That(after.Titles, Is.EqualTo(new[] { "Paper Two" }));
        Assert.That(after.Count, Is.EqualTo(1));
    }
    [Test]
    public async Task Preview_OfABroadTopic_IsNotChargedToTheRequestsBudget_ButAKeywordIs()
    {
        var world = World(new Dictionary<string, string?> { ["Queries:RequestBudgetMs"] = "5" });
        // Enough matches that a query outlasts one check of the budget (a request checks every 10,000 steps).
        for (var i = 0; i < 3000; i++) world.AddPaper($"Diffusion {i}", "About denoising and more denoising.", Seen);
        // Every reading of the clock moves it 10 ms: any check of a 5 ms budget finds it spent.
        world.Clock.AutoAdvanceAmount = TimeSpan.FromMilliseconds(10);
        var client = world.CreateClient();

        var topic = await client.GetAsync("/api/preview?topics=diffusion");
        var keyword = await client.GetAsync("/api/preview?keywords=denoising");

        Assert.That(topic.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), "the topic is computed once for every preview");
        Assert.That(keyword.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.ServiceUnavailable), "a reader's own keyword is charged");
    }
}
