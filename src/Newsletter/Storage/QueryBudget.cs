using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Newsletter.Storage;

/// <summary>
/// A time budget on one connection: while it is held, SQLite's progress handler interrupts whatever statement runs
/// once the budget is spent or the token is cancelled (the statement then throws, see <see cref="IsInterruption"/>).
/// Dispose it to take the handler off again: connections are pooled and the next user must not inherit it.
/// </summary>
public sealed class QueryBudget : IDisposable
{
    /// <summary>
    /// SQLite calls the handler every this many virtual-machine steps by default: often enough to stop a request's
    /// search within a few milliseconds of the budget, rarely enough that the calls into .NET cost little (every
    /// 1,000 steps made planning 2–3× slower).
    /// </summary>
    public const int StepsPerCheck = 10_000;

    private readonly SqliteConnection _connection;
    private readonly TimeProvider _clock;
    private readonly CancellationToken _cancellation;
    private readonly delegate_progress _handler;
    private TimeSpan _budget;
    private long _started;

    private QueryBudget(SqliteConnection connection, TimeSpan budget, TimeProvider clock, CancellationToken cancellation, int stepsPerCheck)
    {
        _connection = connection;
        _clock = clock;
        _cancellation = cancellation;
        _handler = _ => Spent ? 1 : 0;
        Restart(budget);
        raw.sqlite3_progress_handler(connection.Handle, stepsPerCheck, _handler, null);
    }

    /// <summary>
    /// Puts a budget of <paramref name="budget"/> on <paramref name="connection"/>, starting now, checked every
    /// <paramref name="stepsPerCheck"/> virtual-machine steps.
    /// </summary>
    public static QueryBudget Start(SqliteConnection connection, TimeSpan budget, TimeProvider clock, CancellationToken cancellation = default,
        int stepsPerCheck = StepsPerCheck) =>
        new(connection, budget, clock, cancellation, stepsPerCheck);

    /// <summary>True once the time is up or the caller cancelled.</summary>
    public bool Spent => _cancellation.IsCancellationRequested || _clock.GetElapsedTime(_started) > _budget;

    /// <summary>Whether the caller cancelled (rather than the budget running out).</summary>
    public bool Cancelled => _cancellation.IsCancellationRequested;

    /// <summary>What is left of the budget (negative once spent).</summary>
    public TimeSpan Remaining => _budget - _clock.GetElapsedTime(_started);

    /// <summary>Starts a fresh budget of <paramref name="budget"/> (one per query in a planning run).</summary>
    public void Restart(TimeSpan budget)
    {
        _budget = budget;
        _started = _clock.GetTimestamp();
    }

    /// <summary>True when SQLite stopped a statement because a progress handler asked it to.</summary>
    public static bool IsInterruption(SqliteException e) => e.SqliteErrorCode == raw.SQLITE_INTERRUPT;

    public void Dispose()
    {
        if (_connection.Handle is { } handle) raw.sqlite3_progress_handler(handle, 0, null, null);
    }
}
