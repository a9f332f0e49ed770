using Microsoft.Data.Sqlite;
using Newsletter.Storage;
using SQLitePCL;

namespace Newsletter.Digests;

/// <summary>
/// A planning run's checkpoints of the SQLite ledger's write-ahead log, taken on a thread and connection of their own
/// after the writer's commits, instead of inside them: each commit asks this thread for a PASSIVE checkpoint
/// (<see cref="Committed"/>), which copies what is committed into the database and syncs both files while the writer
/// goes on, neither waiting for the other; the writer's pages keep SQLite's automatic checkpoint only as a backstop
/// (<see cref="TakeOver"/>). The log starts over whenever a page begins after a checkpoint caught up, so it stays a
/// few pages long: tens of MB rather than SQLite's ~4 MB steps (tests/BENCHMARKS.md, "The ledger writer's lists and
/// checkpoints").
/// </summary>
/// <remarks>
/// Crash safety is the log's, as before: a page's rows, lists and advance are one transaction, committed to the log
/// (<c>synchronous = NORMAL</c>); a checkpoint only moves committed pages and syncs the log first. Nothing is started
/// on PostgreSQL, nor for a run that writes nothing.
/// </remarks>
public sealed class LedgerCheckpoints : IDisposable
{
    // SQLite's own default, given back to each page's pooled connection after the page.
    private const int AutomaticFrames = 1000;
    // During a page, SQLite's own checkpoint only as a backstop: should this thread fall behind, the log stops at ~64 MB
    // of 4 KB frames (its high-water mark was 11–71 MB in the replays with this thread, against 6–10 MB before).
    private const int BackstopFrames = 16384;

    private readonly Database _database;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _asked = new(0);
    private Thread? _thread;
    private int _waiting;            // 1 while a commit waits for the next checkpoint
    private volatile bool _stopping, _failed;

    private LedgerCheckpoints(Database database, ILogger logger) => (_database, _logger) = (database, logger);

    /// <summary>The run's checkpoints, or null where the writer keeps SQLite's own (PostgreSQL, a dry run).</summary>
    public static LedgerCheckpoints? For(Database database, bool dryRun, ILogger logger) =>
        database.IsPostgres || dryRun ? null : new(database, logger);

    /// <summary>The most frames the log held when a checkpoint began: how long the log grew.</summary>
    public int MostFrames { get; private set; }

    /// <summary>How many checkpoints ran.</summary>
    public int Taken { get; private set; }

    /// <summary>
    /// Leaves <paramref name="connection"/>'s automatic checkpoint only as a backstop for a page, unless this thread
    /// could not take checkpoints (then the page keeps SQLite's own); <see cref="GiveBack"/> after the page.
    /// </summary>
    public void TakeOver(SqliteConnection connection)
    {
        if (!_failed) raw.sqlite3_wal_autocheckpoint(connection.Handle, BackstopFrames);
    }

    /// <summary>Gives <paramref name="connection"/> SQLite's automatic checkpoint back, for the pool's next user.</summary>
    public static void GiveBack(SqliteConnection connection) => raw.sqlite3_wal_autocheckpoint(connection.Handle, AutomaticFrames);

    /// <summary>Asks for a checkpoint of what the writer has just committed (called on the writer's thread, one page at a time).</summary>
    public void Committed()
    {
        if (_failed) return;
        _thread ??= Start();
        if (Interlocked.Exchange(ref _waiting, 1) == 0) _asked.Release();
    }

    private Thread Start()
    {
        var thread = new Thread(Checkpoint) { IsBackground = true, Name = "ledger checkpoints" };
        thread.Start();
        return thread;
    }

    private void Checkpoint()
    {
        try
        {
            using var connection = _database.Open();
            while (true)
            {
                _asked.Wait();
                // The run's last commit is checkpointed too, before the run ends.
                if (Interlocked.Exchange(ref _waiting, 0) == 1)
                {
                    // PASSIVE copies what no reader still needs and never waits; BUSY (another checkpointer) is left to the next commit.
                    raw.sqlite3_wal_checkpoint_v2(connection.Handle, "main", raw.SQLITE_CHECKPOINT_PASSIVE, out var frames, out _);
                    MostFrames = Math.Max(MostFrames, frames);
                    Taken++;
                }
                if (_stopping) return;
            }
        }
        catch (Exception e)
        {
            // The writer's pages go back to SQLite's own checkpoints; a failure here must not end the process.
            _failed = true;
            _logger.LogWarning(e, "Planning's checkpoint thread stopped; the rest of the run checkpoints inside the writer's commits");
        }
    }

    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _asked.Release();
        _thread?.Join();
        _asked.Dispose();
    }
}
