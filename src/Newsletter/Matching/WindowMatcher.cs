using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Newsletter.Storage;

namespace Newsletter.Matching;

/// <summary>
/// Evaluates filters over one window of papers (ids in (low, high]), each distinct filter once, caching the
/// result for every reader who shares it. One instance per planning run or preview; it uses an open connection.
/// Keywords are checked and translated by <see cref="ReaderQuery"/>; every query runs under a <see cref="QueryBudget"/>:
/// in a planning run each query gets its own and one that spends it is skipped with a warning; in a request the
/// budget covers all its queries and spending it (or the client leaving) throws.
/// </summary>
internal sealed class WindowMatcher : IDisposable
{
    // bm25 column weights for (title, abstract, authors): a word in the title says far more about a paper than one
    // in its abstract; author names count like the abstract so author keywords work.
    private const string Bm25 = "bm25(papers_fts, 5.0, 1.0, 1.0)";
    private const int PlanningStepsPerCheck = 50_000;

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _match;
    private readonly TopicCatalog _topics;
    private readonly QueryOptions _limits;
    private readonly QueryBudget _budget;
    private readonly TimeSpan _perQuery;
    private readonly bool _forRequest;
    private readonly ILogger _logger;
    private readonly Dictionary<(string Kind, string Value), FilterResult> _cache = new();
    // Reused from query to query: a run evaluates up to one filter per ten readers, and only each result's own
    // arrays are kept for the run.
    private readonly List<FilterHit> _hits = [];

    /// <param name="requestAborted">
    /// Null in a planning run; in a web request, the request's abort token: the request's queries then share one
    /// budget of <see cref="QueryOptions.RequestBudgetMs"/>.
    /// </param>
    public WindowMatcher(SqliteConnection connection, long low, long high, TopicCatalog topics, QueryOptions limits, TimeProvider clock,
        ILogger logger, CancellationToken? requestAborted = null)
    {
        _connection = connection;
        _topics = topics;
        _limits = limits;
        _logger = logger;
        _forRequest = requestAborted is not null;
        _perQuery = TimeSpan.FromMilliseconds(_forRequest ? limits.RequestBudgetMs : limits.PlanningBudgetMs);
        Low = low;
        High = high;
        // In a request the budget covers reading the window too; a planning run reads its window once, unbudgeted.
        _budget = _forRequest ? QueryBudget.Start(connection, _perQuery, clock, requestAborted!.Value) : null!;
        try
        {
            Papers = LoadPapers();
        }
        catch (SqliteException e) when (QueryBudget.IsInterruption(e))
        {
            _budget.Dispose();
            if (_budget.Cancelled) throw new OperationCanceledException("the request was aborted", e);
            throw new QueryBudgetSpentException(_perQuery);
        }
        // A run's budget is seconds, so it is checked far less often: every 1,000 steps made a 100,000-reader plan
        // measurably slower (tests/BENCHMARKS.md, 2026-12-01).
        if (!_forRequest) _budget = QueryBudget.Start(connection, _perQuery, clock, stepsPerCheck: PlanningStepsPerCheck);
        _match = connection.CreateCommand();
        _match.CommandText = $"""
            SELECT rowid, {Bm25} FROM papers_fts
            WHERE papers_fts MATCH $query AND rowid > $low AND rowid <= $high
            """;
        _match.Parameters.AddWithValue("$low", low);
        _match.Parameters.AddWithValue("$high", high);
        _match.Parameters.Add("$query", SqliteType.Text);
    }

    public long Low { get; }
    public long High { get; }

    /// <summary>Every paper in the window.</summary>
    public IReadOnlyDictionary<long, WindowPaper> Papers { get; }

    /// <summary>Ranking buffers shared by every reader of the run.</summary>
    public Ranking.Scratch Scratch { get; } = new();

    /// <summary>Rankings shared by readers with the same filters and window.</summary>
    public RankingMemo Memo { get; } = new();

    /// <summary>Distinct filters asked for so far.</summary>
    public int DistinctFilters => _cache.Count;

    /// <summary>Full-text queries actually run (never more than <see cref="DistinctFilters"/>).</summary>
    public int QueriesRun { get; private set; }

    /// <summary>The filter's matches in the window, evaluated on first use; empty for unknown topics and broken queries.</summary>
    public FilterResult Get(SubscriberFilter filter) => Get(filter.Kind, filter.Value);

    /// <inheritdoc cref="Get(SubscriberFilter)"/>
    public FilterResult Get(string kind, string value)
    {
        var key = (kind, value);
        if (_cache.TryGetValue(key, out var cached)) return cached;
        var result = Evaluate(new SubscriberFilter(kind, value));
        _cache[key] = result;
        return result;
    }

    // A planning run lasts seconds, too short for tiered compilation to catch up with this hot loop.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private FilterResult Evaluate(SubscriberFilter filter)
    {
        string? query, problem = null;
        if (filter.Kind == SubscriberFilter.Topic) query = _topics.Find(filter.Value)?.Query;
        else query = ReaderQuery.Translate(filter.Value, _limits, out problem);
        if (problem is not null)
        {
            // Stored before today's rules (or imported): it must not cost every run, nor break it for everyone else.
            _logger.LogWarning("Skipping the keyword filter '{Query}': {Problem}", filter.Value, problem);
            return new FilterResult(FilterLabel.For(filter), []);
        }
        if (string.IsNullOrWhiteSpace(query) || Papers.Count == 0) return new FilterResult(FilterLabel.For(filter), []);
        QueriesRun++;
        var hits = _hits;
        hits.Clear();
        _match.Parameters["$query"].Value = query;
        if (!_forRequest) _budget.Restart(_perQuery);
        try
        {
            using var reader = _match.ExecuteReader();
            while (reader.Read())
            {
                var paper = reader.GetInt64(0);
                // bm25 is negative, lower is better; flip it so a higher rank is a better match.
                var relevance = -reader.GetDouble(1);
                hits.Add(new FilterHit(paper, relevance, Papers.TryGetValue(paper, out var p) ? p.Upvotes ?? 0 : 0));
            }
        }
        catch (SqliteException e) when (QueryBudget.IsInterruption(e))
        {
            if (_budget.Cancelled) throw new OperationCanceledException("the request was aborted", e);
            if (_forRequest) throw new QueryBudgetSpentException(_perQuery);
            _logger.LogWarning("Skipping the {Kind} filter '{Query}' this run: it ran longer than Queries:PlanningBudgetMs ({Budget} ms)",
                filter.Kind, filter.Value, _limits.PlanningBudgetMs);
            return new FilterResult(FilterLabel.For(filter), []);
        }
        catch (SqliteException e)
        {
            // A query that FTS5 refuses must not break the run for everyone else.
            _logger.LogWarning("Skipping the {Kind} filter '{Query}': not a valid full-text query ({Message})", filter.Kind, query, e.Message);
            return new FilterResult(FilterLabel.For(filter), []);
        }
        return new FilterResult(FilterLabel.For(filter), CollectionsMarshal.AsSpan(hits));
    }

    private Dictionary<long, WindowPaper> LoadPapers()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT id, upvotes, first_seen_at FROM papers WHERE id > $low AND id <= $high";
        command.Parameters.AddWithValue("$low", Low);
        command.Parameters.AddWithValue("$high", High);
        var papers = new Dictionary<long, WindowPaper>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var seen = reader.GetString(2);
            // The app writes one fixed format: parsing exactly that is several times faster than a general parse,
            // which matters when a preview reads a large window.
            if (!DateTimeOffset.TryParseExact(seen, UtcTimestampHandler.Format, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var firstSeen))
                firstSeen = DateTimeOffset.Parse(seen, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
            papers[reader.GetInt64(0)] = new WindowPaper(reader.IsDBNull(1) ? null : reader.GetInt32(1), firstSeen);
        }
        return papers;
    }

    public void Dispose()
    {
        _budget.Dispose();
        _match.Dispose();
    }
}
