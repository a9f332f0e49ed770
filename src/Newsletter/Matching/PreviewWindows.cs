using Microsoft.Extensions.Options;
using Newsletter.Storage;

namespace Newsletter.Matching;

/// <summary>
/// Matches for previews, <c>/papers</c> search and the topic feeds: the papers first seen after a time that some
/// filters match, ranked by <see cref="WindowMatcher.Top"/> exactly as a digest is. Each window (its papers, its
/// in-memory index and its catalog topics' results) is built once and shared by every request over it until any
/// paper is added or changed, so a preview runs only its own keywords, over the window alone.
/// </summary>
public sealed class PreviewWindows(Database database, TopicCatalog topics, IOptions<QueryOptions> queries, TimeProvider clock,
    ILogger<PreviewWindows> logger)
{
    /// <summary>
    /// Windows kept at once. They differ by their start: one a span (<c>Subscriptions:PreviewDays</c>,
    /// <c>Papers:SearchDays</c>, <c>Papers:FeedDays</c>), so three hold every span even when none are equal. A fourth
    /// (a span whose first paper moved as the days went by, before any paper was added) empties them all, and each is
    /// built again by the next request over it.
    /// </summary>
    internal const int MaxWindows = 3;

    private readonly Lock _lock = new();
    private readonly Dictionary<(long Low, long High), Lazy<MatchWindow>> _windows = new();
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
        var (window, store) = Open(since);
        using var matcher = new WindowMatcher(window, store, topics, queries.Value, clock, logger, aborted);
        var results = filters.Select(matcher.Get).ToArray();
        var isNew = NewPapers.SeenAfter(since, matcher.Papers);
        return (WindowMatcher.CountNew(results, isNew), matcher.Top(results, isNew, max, order));
    }

    /// <summary>
    /// The shared window of papers first seen after <paramref name="since"/> (built again once any paper changed)
    /// and a store of the caller's own on its index.
    /// </summary>
    private (MatchWindow Window, WindowIndexStore Store) Open(DateTimeOffset since)
    {
        while (true)
        {
            long low, high, version;
            using (var connection = database.Connect()) (low, high, version) = PaperMatchStore.Bounds(connection, since);
            Lazy<MatchWindow> entry;
            lock (_lock)
            {
                if (version > _version)
                {
                    DropAll();
                    _version = version;
                }
                if (!_windows.TryGetValue((low, high), out entry!))
                {
                    if (_windows.Count >= MaxWindows) DropAll();
                    // Built once, by the first request that needs it, on a connection of its own; the window is not
                    // charged to any request's budget: its cost is bounded by the papers it holds, not by anything a
                    // client sends (under a request's budget a busy machine never finished it, and every preview failed).
                    entry = new Lazy<MatchWindow>(() =>
                    {
                        using var connection = database.Connect();
                        return MatchWindow.Load(connection, low, high, shared: true);
                    });
                    _windows[(low, high)] = entry;
                }
            }
            try
            {
                var window = entry.Value;
                lock (_lock)
                {
                    // Dropped while it was being built: nobody else will free it.
                    if (!_windows.TryGetValue((low, high), out var kept) || kept != entry) window.Dispose();
                }
                return (window, window.Open());
            }
            catch (ObjectDisposedException)
            {
                // A paper changed while this request waited: the window was dropped; take the newer one.
            }
            catch
            {
                // A failed build is not kept: the next request tries again.
                lock (_lock)
                {
                    if (_windows.TryGetValue((low, high), out var failed) && failed == entry) _windows.Remove((low, high));
                }
                throw;
            }
        }
    }

    /// <summary>Drops every window; requests still using one keep their own store on it until they finish.</summary>
    private void DropAll()
    {
        foreach (var entry in _windows.Values)
        {
            if (entry.IsValueCreated) entry.Value.Dispose();
        }
        _windows.Clear();
    }
}
