using System.Data.Common;
using System.Text;
using Newsletter.Storage;

namespace Newsletter.Subscriptions;

/// <summary>
/// The statement that advances a planning page's readers' digest windows (<see cref="SubscriberStore.PrepareWindowAdvance"/>),
/// reused for every reader of a planning transaction, whatever their schedules: on SQLite one reader a step of a
/// statement prepared once on the page's connection, its four values bound as numbers and UTF-8 bytes; on PostgreSQL
/// one statement a page, one array a column.
/// </summary>
/// <remarks>
/// SQLite took a page's moves as one JSON array through <c>json_each</c>: each reader's values written as JSON, parsed
/// back by four <c>->></c>, and <c>UPDATE … FROM</c> joined them through a temporary table before updating; a third of
/// the advance's CPU at 1,000,000 readers (tests/BENCHMARKS.md, "The ledger writer's statements bound").
/// </remarks>
internal sealed class WindowAdvance : IDisposable
{
    private readonly SqliteStatement? _statement;
    private readonly DbCommand? _command;
    private readonly DbParameter? _ids, _lastSeqs, _nextDue, _previousDue;
    // Most readers of a run share their due times: each distinct time is formatted once.
    private readonly Dictionary<DateTimeOffset, byte[]> _times = [];

    internal WindowAdvance(SqliteStatement statement) => _statement = statement;

    internal WindowAdvance(DbCommand command)
    {
        _command = command;
        _ids = command.AddParameter("ids", Array.Empty<long>());
        _lastSeqs = command.AddParameter("lastSeqs", Array.Empty<long>());
        _nextDue = command.AddParameter("nextDue", Array.Empty<DateTimeOffset>());
        _previousDue = command.AddParameter("previousDue", Array.Empty<DateTimeOffset>());
    }

    /// <summary>
    /// Moves each reader of <paramref name="moves"/> that is still confirmed and due at its previous due time; adds
    /// the ids it moved to <paramref name="moved"/>.
    /// </summary>
    public void Run(IReadOnlyList<WindowMove> moves, ISet<long> moved)
    {
        if (moves.Count == 0) return;
        if (_statement is { } update)
        {
            foreach (var move in moves)
            {
                update.Bind(1, move.LastSeq);
                update.Bind(2, Utf8(move.NextDueAt));
                update.Bind(3, move.SubscriberId);
                update.Bind(4, Utf8(move.PreviousDueAt));
                if (update.Execute() == 1) moved.Add(move.SubscriberId);
            }
            return;
        }
        _ids!.Value = moves.Select(m => m.SubscriberId).ToArray();
        _lastSeqs!.Value = moves.Select(m => m.LastSeq).ToArray();
        _nextDue!.Value = moves.Select(m => UtcTimestampHandler.ToInstant(m.NextDueAt)).ToArray();
        _previousDue!.Value = moves.Select(m => UtcTimestampHandler.ToInstant(m.PreviousDueAt)).ToArray();
        using var reader = _command!.ExecuteReader();
        while (reader.Read()) moved.Add(reader.GetInt64(0));
    }

    private byte[] Utf8(DateTimeOffset time) =>
        _times.TryGetValue(time, out var text) ? text : _times[time] = Encoding.UTF8.GetBytes(UtcTimestampHandler.ToText(time));

    public void Dispose()
    {
        _statement?.Dispose();
        _command?.Dispose();
    }
}
