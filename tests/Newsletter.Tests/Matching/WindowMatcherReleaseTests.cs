using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Matching;

/// <summary>
/// What a planning run's matcher holds: a keyword's result from its first counted reader to its last (then released,
/// and evaluated again, identically, if asked once more), every uncounted filter for the whole run, and one shared
/// result for all the filters that matched nothing.
/// </summary>
public class WindowMatcherReleaseTests
{
    private TestWorkspace _workspace = null!;
    private Database _database = null!;
    private long _low, _high;

    [SetUp]
    public void SetUp()
    {
        _workspace = new TestWorkspace();
        _database = LedgerSeed.Migrated(_workspace.DatabasePath);
        using var connection = _database.Open();
        _low = connection.ExecuteScalar<long>("SELECT COALESCE(MAX(id), 0) FROM papers");
        string[] titles = ["Mamba for Video", "Mamba for Text", "Fast Diffusion Samplers"];
        for (var i = 0; i < titles.Length; i++)
        {
            _high = connection.ExecuteScalar<long>(
                """
                INSERT INTO papers (paper_key, title, normalized_title, abstract, authors, first_seen_at, updated_at, upvotes)
                VALUES (@key, @title, @key, 'Scanning long inputs with Mamba and diffusion.', 'Ada Lovelace',
                        '2026-11-24T00:00:00Z', '2026-11-24T00:00:00Z', @upvotes) RETURNING id
                """, new { key = $"m-{i}", title = titles[i], upvotes = i });
        }
    }

    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public void CountedKeyword_IsReleasedAfterItsLastUse_AndEvaluatedAgainTheSame()
    {
        using var run = Run();
        run.Matcher.ExpectUses([("mamba", 2)]);

        var first = run.Matcher.Get(SubscriberFilter.Keyword, "mamba");
        run.Matcher.Release();
        var second = run.Matcher.Get(SubscriberFilter.Keyword, "mamba");
        run.Matcher.Release();
        var again = run.Matcher.Get(SubscriberFilter.Keyword, "mamba");

        Assert.That(second, Is.SameAs(first), "one use was still to come: the result is held");
        Assert.That(again, Is.Not.SameAs(first), "both counted uses are done: the result was released");
        Assert.That(Papers(first), Has.Length.EqualTo(3), "every paper's abstract names mamba");
        Assert.That(Papers(again), Is.EqualTo(Papers(first)));
        Assert.That(again.Label, Is.EqualTo(first.Label));
        Assert.That(again.Query, Is.EqualTo(first.Query));
        Assert.That(run.Matcher.QueriesRun, Is.EqualTo(2), "asked after its release, it ran again");
        Assert.That(run.Matcher.DistinctFilters, Is.EqualTo(1));
    }

    [Test]
    public void UncountedFilters_AreHeldForTheWholeRun()
    {
        using var run = Run();
        run.Matcher.ExpectUses([("diffusion", 1)]);

        var topic = run.Matcher.Get(SubscriberFilter.Topic, "ssm");
        var keyword = run.Matcher.Get(SubscriberFilter.Keyword, "mamba");
        run.Matcher.Release();

        Assert.That(run.Matcher.Get(SubscriberFilter.Topic, "ssm"), Is.SameAs(topic));
        Assert.That(run.Matcher.Get(SubscriberFilter.Keyword, "mamba"), Is.SameAs(keyword));
        Assert.That(run.Matcher.QueriesRun, Is.EqualTo(2));
        Assert.That(run.Matcher.DistinctFilters, Is.EqualTo(2), "a counted keyword nobody asked for is not one of the run's filters");
    }

    [Test]
    public void FiltersThatMatchNothing_ShareOneResult()
    {
        using var run = Run();

        var none = run.Matcher.Get(SubscriberFilter.Keyword, "transformers");
        var other = run.Matcher.Get(SubscriberFilter.Keyword, "quantization");
        var unknown = run.Matcher.Get(SubscriberFilter.Topic, "no-such-topic");

        Assert.That(other, Is.SameAs(none));
        Assert.That(unknown, Is.SameAs(none));
        Assert.That(none.Count, Is.Zero);
        Assert.That(run.Matcher.DistinctFilters, Is.EqualTo(3));
    }

    private static long[] Papers(FilterResult result) => Enumerable.Range(0, result.Count).Select(result.PaperAt).ToArray();

    [Test]
    public void AMatcherOnASharedWindow_RefusesToMark_ItsTopicsServeEveryRequest()
    {
        using var run = new MatcherRun(_database, _low, _high, shared: true);
        var topic = run.Matcher.Get(SubscriberFilter.Topic, "ssm");
        var items = run.Matcher.Top([topic], NewPapers.After(0), 3, DigestOrder.Relevance);

        Assert.That(items, Has.Count.EqualTo(3));
        Assert.That(() => run.Matcher.Mark([items]), Throws.InvalidOperationException);
        Assert.That(items.Select(i => i.Marks.IsEmpty), Is.All.True, "nothing was decided into the shared topic's result");
    }

    private MatcherRun Run() => new(_database, _low, _high);

    private sealed class MatcherRun : IDisposable
    {
        private readonly Microsoft.Data.Sqlite.SqliteConnection _connection;
        private readonly MatchWindow _window;

        public MatcherRun(Database database, long low, long high, bool shared = false)
        {
            _connection = database.Open();
            _window = MatchWindow.Load(_connection, low, high, shared);
            var topics = new TopicCatalog([new Topic { Slug = "ssm", Name = "State space models", Query = "mamba" }]);
            Matcher = new WindowMatcher(_window, _window.Open(), topics, new QueryOptions(),
                new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero)), NullLogger.Instance);
        }

        public WindowMatcher Matcher { get; }

        public void Dispose()
        {
            Matcher.Dispose();
            _window.Dispose();
            _connection.Dispose();
        }
    }
}
