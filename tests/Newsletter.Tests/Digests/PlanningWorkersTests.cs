using Dapper;
using Newsletter.Digests;
using Newsletter.ForYou;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.Digests;

/// <summary>
/// <c>Digest:PlanningWorkers</c>: the same due readers planned by one worker (each page ranked and marked by the
/// planner, one writer) and by several (pages read, ranked on threads, marked and written at once) give the same
/// ledger, row for row in the same order: the same items, labels, scores and highlights, the same frozen lists, the
/// same windows advanced. Over three planning pages, with taste models, both orders and keywords only some share.
/// </summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class PlanningWorkersTests(string provider)
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    // Three planning pages (2,000 readers each), the last one short.
    private const int Readers = 4100;

    private static readonly string[] Words =
    [
        "language model", "reasoning", "agents", "diffusion", "robot", "kernels", "protein", "retrieval", "quantization",
        "benchmark", "vision", "speech", "graph", "mamba", "tokenizer", "alignment",
    ];

    private static readonly string[] Keywords =
    [
        "kernels", "protein OR robot", "\"language model\"", "diffusion NOT vision", "graph*", "mamba", "speech retrieval",
        "NEAR(agents benchmark, 8)", "quantization OR tokenizer",
    ];

    private static readonly string[] Topics =
        ["language-models", "reasoning", "agents", "diffusion", "robotics", "efficiency", "state-space-models", "retrieval", "speech-audio"];

    private readonly List<DigestWorld> _worlds = [];

    [TearDown]
    public async Task TearDown()
    {
        foreach (var world in _worlds) await world.DisposeAsync();
        _worlds.Clear();
    }

    [Test]
    public void SeveralWorkers_WriteTheSameLedgerAsOne_RowForRowInReaderOrder()
    {
        var one = Seeded(workers: 1);
        var several = Seeded(workers: 3);

        var runOne = one.Planner.Run(Due);
        var runSeveral = several.Planner.Run(Due);

        Assert.That(runOne.Readers, Is.EqualTo(Readers), "every reader planned");
        Assert.That(runSeveral, Is.EqualTo(runOne), "the run's counts");
        var (ledgerOne, ledgerSeveral) = (Ledger(one), Ledger(several));
        Assert.That(ledgerOne.Select(r => r.Subscriber), Is.EqualTo(Enumerable.Range(0, Readers).Select(i => ledgerOne[0].Subscriber + i)),
            "one row a reader, written in reader order");
        Assert.That(ledgerOne.Count(r => r.Items.Contains("for-you:")), Is.GreaterThan(0), "taste models took part");
        Assert.That(ledgerOne.Count(r => r.Items.Contains(" marks ")), Is.GreaterThan(Readers / 2), "highlights were decided");
        Assert.That(ledgerSeveral, Is.EqualTo(ledgerOne), "the same rows, in the same order");
        Assert.That(Windows(several), Is.EqualTo(Windows(one)), "the same windows advanced");
    }

    [Test]
    public void SeveralWorkers_HandTheSameDigestsToADryRun_InReaderOrder()
    {
        var one = Seeded(workers: 1);
        var several = Seeded(workers: 3);
        var seenOne = new List<string>();
        var seenSeveral = new List<string>();

        var runOne = one.Planner.Run(Due, dryRun: true, onDigest: (r, d) => seenOne.Add(Shown(r.Id, d.Items)));
        var runSeveral = several.Planner.Run(Due, dryRun: true, onDigest: (r, d) => seenSeveral.Add(Shown(r.Id, d.Items)));

        Assert.That(seenOne, Has.Count.EqualTo(Readers));
        Assert.That(runSeveral, Is.EqualTo(runOne));
        Assert.That(seenSeveral, Is.EqualTo(seenOne));
        Assert.That(Ledger(several), Is.Empty, "a dry run writes nothing");
    }

    /// <summary>A world with <paramref name="workers"/> planning workers and the same papers, readers and models as every other.</summary>
    private DigestWorld Seeded(int workers)
    {
        var world = new DigestWorld(Due.AddHours(-1), provider, new Dictionary<string, string?> { ["Digest:PlanningWorkers"] = workers.ToString() });
        _worlds.Add(world);
        var random = new Random(13);
        var papers = new List<(long Id, string Title, string Abstract)>();
        for (var p = 0; p < 60; p++)
        {
            var picked = Enumerable.Range(0, 4).Select(_ => Words[random.Next(Words.Length)]).ToArray();
            var title = $"Paper {p}: {picked[0]} for {picked[1]}";
            var summary = $"We study {picked[1]} with {picked[2]} and {picked[3]}, and report on a {picked[0]} benchmark.";
            var upvotes = p % 5 == 0 ? (int?)null : random.Next(100);
            papers.Add((world.AddPaper(title, summary, Confirmed.AddHours(1 + p % 7), upvotes: upvotes), title, summary));
        }
        var readers = new List<long>();
        using (var connection = world.Get<Database>().Connect())
        using (var transaction = connection.BeginTransaction())
        {
            for (var r = 0; r < Readers; r++)
            {
                var order = r % 3 == 0 ? "relevance" : "trending";
                var id = connection.ExecuteScalar<long>(
                    """
                    INSERT INTO subscribers (email, state, frequency, weekday, hour, timezone, digest_order, created_at, confirmed_at, next_due_at)
                    VALUES (@email, 'confirmed', 'daily', 1, 8, 'UTC', @order, @Confirmed, @Confirmed, @Due)
                    RETURNING id
                    """,
                    new { email = $"r{r}@example.org", order, Confirmed, Due }, transaction);
                readers.Add(id);
                var filters = Topics.OrderBy(_ => random.Next()).Take(1 + random.Next(3)).Select(Topic).ToList();
                if (random.Next(3) > 0) filters.Add(Keyword(Keywords[random.Next(Keywords.Length)]));
                connection.Execute("INSERT INTO subscriber_filters (subscriber_id, kind, value) VALUES (@id, @Kind, @Value)",
                    filters.Select(f => new { id, f.Kind, f.Value }), transaction);
            }
            transaction.Commit();
        }
        var models = world.Get<TasteModelStore>();
        for (var r = 0; r < Readers; r += 17)
        {
            var marks = Enumerable.Range(0, 3).Select(_ => papers[random.Next(papers.Count)])
                .Select((p, i) => new MarkedPaper(p.Id, p.Title, p.Abstract, Liked: i < 2)).DistinctBy(m => m.PaperId).ToList();
            models.Save(readers[r], TasteModel.Build(marks), Confirmed);
        }
        return world;
    }

    /// <summary>Every ledger row in the order written: its reader, period, frozen list and items as shown.</summary>
    private static List<(long Subscriber, string Period, long? List, string Items)> Ledger(DigestWorld world)
    {
        using var connection = world.Get<Database>().Connect();
        var rows = connection.Query<(long Id, long Subscriber, string Period, long? List)>(
            "SELECT id, subscriber_id, period_key, items_list FROM deliveries ORDER BY id").ToList();
        var deliveries = world.Get<DeliveryStore>();
        return rows.Select(row => (row.Subscriber, row.Period, row.List,
            Shown(row.Subscriber, DeliveryStore.Items(deliveries.ForSubscriber(row.Subscriber).Single(d => d.Id == row.Id))))).ToList();
    }

    private static string Shown(long reader, IEnumerable<DigestItem> items) =>
        reader + ": " + string.Join("; ", items.Select(i => $"{i.Paper} {string.Join('|', i.Labels)} {i.Score}{(i.Marks is { Length: > 0 } m ? " marks " + string.Join(',', m) : "")}"));

    private static List<(long Id, long? LastSeq, DateTimeOffset? NextDue)> Windows(DigestWorld world)
    {
        using var connection = world.Get<Database>().Connect();
        return connection.Query<(long, long?, DateTimeOffset?)>("SELECT id, last_seq, next_due_at FROM subscribers ORDER BY id").ToList();
    }
}
