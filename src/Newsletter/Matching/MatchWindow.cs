using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Newsletter.Matching;

/// <summary>
/// A window of papers (ids in (<see cref="Low"/>, <see cref="High"/>]): what ranking needs of each, and the window's
/// own full-text index (<see cref="WindowIndexStore"/>) that every filter is matched in. A planning run builds its
/// own; previews share one per window until a paper changes (<see cref="PreviewWindows"/>), and with it the results
/// of catalog topics, which every preview of a topic would otherwise compute again. Disposing it frees the index
/// once the stores opened on it are disposed too.
/// </summary>
internal sealed class MatchWindow : IDisposable
{
    private readonly SqliteConnection _keeper;
    private readonly string _index;
    // The index's terms and sizes, and each term's postings once a query has asked for it: every store on the window
    // answers flat queries from them.
    private readonly WindowPostings _postings;
    private readonly Lock _lock = new();
    private bool _disposed;

    private MatchWindow(DbConnection database, long low, long high, bool shared)
    {
        Low = low;
        High = high;
        Papers = WindowIndexStore.Build(database, low, high, out _keeper, out _index);
        _postings = WindowPostingsStore.Read(_keeper, Papers.Keys);
        Upvotes = PaperUpvotes.Of(Papers.Select(p => (p.Key, p.Value.Upvotes ?? 0)));
        SharedTopics = shared ? new ConcurrentDictionary<string, FilterResult>(StringComparer.Ordinal) : null;
    }

    public long Low { get; }
    public long High { get; }

    /// <summary>Every paper in the window.</summary>
    public IReadOnlyDictionary<long, WindowPaper> Papers { get; }

    /// <summary>The upvotes of <see cref="Papers"/>, which every result over the window ranks by.</summary>
    public PaperUpvotes Upvotes { get; }

    /// <summary>Topic results by slug, shared by every matcher over this window; null when the window is not shared.</summary>
    public ConcurrentDictionary<string, FilterResult>? SharedTopics { get; }

    /// <summary>
    /// Reads the window's papers from <paramref name="database"/> (either provider) into a new index; <paramref name="shared"/> when
    /// several matchers (previews) will use it at once.
    /// </summary>
    public static MatchWindow Load(DbConnection database, long low, long high, bool shared = false) => new(database, low, high, shared);

    /// <summary>
    /// A store of the caller's own on the window's index; it keeps the index readable even after the window is
    /// disposed. Throws <see cref="ObjectDisposedException"/> once the window is disposed (its index may be gone).
    /// </summary>
    public WindowIndexStore Open()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return new WindowIndexStore(_index, _postings);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _keeper.Dispose();
        }
    }
}
