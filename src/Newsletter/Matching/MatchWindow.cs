using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Newsletter.Matching;

/// <summary>
/// A window of papers (ids in (<see cref="Low"/>, <see cref="High"/>]) and what ranking needs of each. A planning
/// run reads its own; previews share one per window until a paper changes (<see cref="PreviewWindows"/>), and with
/// it the results of catalog topics, which every preview of a topic would otherwise compute again.
/// </summary>
internal sealed class MatchWindow
{
    private MatchWindow(long low, long high, IReadOnlyDictionary<long, WindowPaper> papers, bool shared)
    {
        Low = low;
        High = high;
        Papers = papers;
        SharedTopics = shared ? new ConcurrentDictionary<string, FilterResult>(StringComparer.Ordinal) : null;
    }

    public long Low { get; }
    public long High { get; }

    /// <summary>Every paper in the window.</summary>
    public IReadOnlyDictionary<long, WindowPaper> Papers { get; }

    /// <summary>Topic results by slug, shared by every matcher over this window; null when the window is not shared.</summary>
    public ConcurrentDictionary<string, FilterResult>? SharedTopics { get; }

    /// <summary>Reads the window's papers; <paramref name="shared"/> when several matchers (previews) will use it at once.</summary>
    public static MatchWindow Load(SqliteConnection connection, long low, long high, bool shared = false) =>
        new(low, high, PaperMatchStore.WindowPapers(connection, low, high), shared);
}
