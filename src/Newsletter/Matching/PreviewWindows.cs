using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Newsletter.Storage;

namespace Newsletter.Matching;

/// <summary>
/// Matches for previews, <c>/papers</c> search and the topic feeds: the papers first seen after a time that some
/// filters match, ranked by <see cref="WindowMatcher.Top"/> exactly as a digest is. The window's papers and its
/// catalog topics' results are shared by every request over the same window until any paper is added or changed,
/// so a preview runs only its own keywords: a topic matching most of 30,000 papers cost each preview ~150 ms.
/// </summary>
public sealed class PreviewWindows(Database database, TopicCatalog topics, IOptions<QueryOptions> queries, TimeProvider clock,
    ILogger<PreviewWindows> logger)
{
    // Windows differ by their start (a preview's days, the search's and the feeds' own spans); a few are kept.
    private const int MaxWindows = 8;

    private readonly Lock _lock = new();
    private readonly Dictionary<long, MatchWindow> _byLow = new();
    private long _version = -1;

    /// <summary>
    /// What <paramref name="filters"/> match among the papers first seen after <paramref name="since"/>: how many, and
    /// the first <paramref name="max"/> in <paramref name="order"/>, ranked exactly as a digest is (a reader's preview
    /// is their digest). The queries share one request budget; throws <see cref="QueryBudgetSpentException"/> when it
    /// is spent and <see cref="OperationCanceledException"/> when <paramref name="aborted"/> fires.
    /// </summary>
    public (int Count, IReadOnlyList<DigestItem> Items) Matches(
        IReadOnlyList<SubscriberFilter> filters, DateTimeOffset since, int max, DigestOrder order, CancellationToken aborted)
    {
        using var connection = database.Open();
        using var matcher = new WindowMatcher(connection, c => Window(c, since), topics, queries.Value, clock, logger, aborted);
        var results = filters.Select(matcher.Get).ToArray();
        var isNew = NewPapers.SeenAfter(since, matcher.Papers);
        return (WindowMatcher.CountNew(results, isNew), matcher.Top(results, isNew, max, order));
    }

    /// <summary>The shared window of papers first seen after <paramref name="since"/>, read again once any paper changed.</summary>
    private MatchWindow Window(SqliteConnection connection, DateTimeOffset since)
    {
        var (low, high, version) = PaperMatchStore.Bounds(connection, since);
        lock (_lock)
        {
            if (version > _version)
            {
                _byLow.Clear();
                _version = version;
            }
            if (version == _version && _byLow.TryGetValue(low, out var known) && known.High == high) return known;
        }
        // Read outside the lock: requests over other windows need not wait. Two requests may both read a new window;
        // the second's copy is used once and dropped.
        var window = MatchWindow.Load(connection, low, high, shared: true);
        lock (_lock)
        {
            if (version != _version) return window;
            if (_byLow.Count >= MaxWindows) _byLow.Clear();
            _byLow.TryAdd(low, window);
        }
        return window;
    }
}
