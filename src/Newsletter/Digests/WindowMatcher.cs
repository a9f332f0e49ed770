using Microsoft.Data.Sqlite;
using Newsletter.Storage;
using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>
/// Evaluates filters over one window of papers (ids in (low, high]), each distinct filter once, caching the
/// result for every reader who shares it. One instance per planning run; it owns its open connections.
/// </summary>
internal sealed class WindowMatcher : IDisposable
{
    // bm25 column weights for (title, abstract, authors): a word in the title says far more about a paper than one
    // in its abstract; author names count like the abstract so author keywords work.
    private const string Bm25 = "bm25(papers_fts, 5.0, 1.0, 1.0)";

    // Below this many new filters a batch runs on the calling thread: starting workers would cost more.
    private const int ParallelFrom = 32;

    private readonly Database _database;
    private readonly TopicCatalog _topics;
    private readonly ILogger _logger;
    private readonly Dictionary<(string Kind, string Value), FilterResult> _cache = new();
    private readonly List<(SqliteConnection Connection, SqliteCommand Match)> _workers = [];
    private int _queriesRun;

    public WindowMatcher(Database database, long low, long high, TopicCatalog topics, ILogger logger)
    {
        _database = database;
        _topics = topics;
        _logger = logger;
        Low = low;
        High = high;
        Worker(0);
        Papers = LoadPapers(_workers[0].Connection);
    }

    public long Low { get; }
    public long High { get; }

    /// <summary>Every paper in the window.</summary>
    public IReadOnlyDictionary<long, WindowPaper> Papers { get; }

    /// <summary>Ranking buffers shared by every reader of the run.</summary>
    public Ranking.Scratch Scratch { get; } = new();

    /// <summary>Distinct filters asked for so far.</summary>
    public int DistinctFilters => _cache.Count;

    /// <summary>Full-text queries actually run (never more than <see cref="DistinctFilters"/>).</summary>
    public int QueriesRun => _queriesRun;

    /// <summary>The filter's matches in the window, evaluated on first use; empty for unknown topics and broken queries.</summary>
    public FilterResult Get(SubscriberFilter filter) => Get(filter.Kind, filter.Value);

    /// <inheritdoc cref="Get(SubscriberFilter)"/>
    public FilterResult Get(string kind, string value)
    {
        var key = (kind, value);
        if (_cache.TryGetValue(key, out var cached)) return cached;
        var result = Evaluate(kind, value, _workers[0].Match);
        _cache[key] = result;
        return result;
    }

    /// <summary>
    /// Evaluates the filters among <paramref name="filters"/> not seen before, spread over one connection per core:
    /// full-text queries are most of a run's work, and SQLite runs queries on separate connections in parallel.
    /// </summary>
    public void Prepare(IEnumerable<(string Kind, string Value)> filters)
    {
        var missing = filters.Where(f => !_cache.ContainsKey(f)).Distinct().ToList();
        var workers = missing.Count < ParallelFrom ? 1 : Math.Clamp(Environment.ProcessorCount, 1, 4);
        var results = new FilterResult[missing.Count];
        for (var w = 0; w < workers; w++) Worker(w);
        var next = -1;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            var match = _workers[w].Match;
            for (var i = Interlocked.Increment(ref next); i < missing.Count; i = Interlocked.Increment(ref next))
                results[i] = Evaluate(missing[i].Kind, missing[i].Value, match);
        });
        for (var i = 0; i < missing.Count; i++) _cache[missing[i]] = results[i];
    }

    private void Worker(int index)
    {
        if (index < _workers.Count) return;
        var connection = _database.Open();
        var match = connection.CreateCommand();
        match.CommandText = $"""
            SELECT rowid, {Bm25} FROM papers_fts
            WHERE papers_fts MATCH $query AND rowid > $low AND rowid <= $high
            """;
        match.Parameters.AddWithValue("$low", Low);
        match.Parameters.AddWithValue("$high", High);
        match.Parameters.Add("$query", SqliteType.Text);
        _workers.Add((connection, match));
    }

    private FilterResult Evaluate(string kind, string value, SqliteCommand match)
    {
        var filter = new SubscriberFilter(kind, value);
        var query = kind == SubscriberFilter.Topic ? _topics.Find(value)?.Query : value;
        if (string.IsNullOrWhiteSpace(query) || Papers.Count == 0) return new FilterResult(FilterLabel.For(filter), []);
        Interlocked.Increment(ref _queriesRun);
        var hits = new List<FilterHit>();
        match.Parameters["$query"].Value = query;
        try
        {
            using var reader = match.ExecuteReader();
            while (reader.Read())
            {
                var paper = reader.GetInt64(0);
                // bm25 is negative, lower is better; flip it so a higher rank is a better match.
                var relevance = -reader.GetDouble(1);
                hits.Add(new FilterHit(paper, Ranking.Boost(relevance, Papers.TryGetValue(paper, out var p) ? p.Upvotes : null)));
            }
        }
        catch (SqliteException e)
        {
            // A reader's own query that FTS5 refuses must not break the run for everyone else.
            _logger.LogWarning("Skipping the {Kind} filter '{Query}': not a valid full-text query ({Message})", kind, query, e.Message);
            return new FilterResult(FilterLabel.For(filter), []);
        }
        return new FilterResult(FilterLabel.For(filter), hits.ToArray());
    }

    private Dictionary<long, WindowPaper> LoadPapers(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, upvotes, first_seen_at FROM papers WHERE id > $low AND id <= $high";
        command.Parameters.AddWithValue("$low", Low);
        command.Parameters.AddWithValue("$high", High);
        var papers = new Dictionary<long, WindowPaper>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            papers[reader.GetInt64(0)] = new WindowPaper(
                reader.IsDBNull(1) ? null : reader.GetInt32(1),
                DateTimeOffset.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal));
        }
        return papers;
    }

    public void Dispose()
    {
        foreach (var (connection, match) in _workers)
        {
            match.Dispose();
            connection.Dispose();
        }
    }
}
