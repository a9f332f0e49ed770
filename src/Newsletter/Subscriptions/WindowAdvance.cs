using System.Buffers;
using System.Data.Common;
using System.Text.Json;
using Newsletter.Storage;

namespace Newsletter.Subscriptions;

/// <summary>
/// The statement that advances a planning page's readers' digest windows, all of them at once whatever their
/// schedules (<see cref="SubscriberStore.PrepareWindowAdvance"/>), reused for every page of a planning transaction.
/// </summary>
/// <remarks>
/// One statement a page, not one per distinct (last seq, next due, previous due): readers in many time zones or on
/// many schedules made a page several statements, each reading and parsing its own id list.
/// </remarks>
internal sealed class WindowAdvance : IDisposable
{
    // SQLite: the moves as one JSON array of [id, last seq, next due, previous due], bound as the UTF-8 bytes written
    // (a page's ~140 KB made no string on the large-object heap). PostgreSQL: one array a column.
    private readonly SqliteStatement? _statement;
    private readonly DbCommand? _command;
    private readonly DbParameter? _ids, _lastSeqs, _nextDue, _previousDue;
    private readonly ArrayBufferWriter<byte> _json = new(4096);
    private readonly Dictionary<DateTimeOffset, string> _times = [];

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
        if (_statement is not null)
        {
            _statement.Bind("@moves", Json(moves));
            _statement.Read(moved);
            return;
        }
        _ids!.Value = moves.Select(m => m.SubscriberId).ToArray();
        _lastSeqs!.Value = moves.Select(m => m.LastSeq).ToArray();
        _nextDue!.Value = moves.Select(m => UtcTimestampHandler.ToInstant(m.NextDueAt)).ToArray();
        _previousDue!.Value = moves.Select(m => UtcTimestampHandler.ToInstant(m.PreviousDueAt)).ToArray();
        using var reader = _command!.ExecuteReader();
        while (reader.Read()) moved.Add(reader.GetInt64(0));
    }

    private ReadOnlySpan<byte> Json(IReadOnlyList<WindowMove> moves)
    {
        _json.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_json))
        {
            json.WriteStartArray();
            foreach (var move in moves)
            {
                json.WriteStartArray();
                json.WriteNumberValue(move.SubscriberId);
                json.WriteNumberValue(move.LastSeq);
                json.WriteStringValue(Text(move.NextDueAt));
                json.WriteStringValue(Text(move.PreviousDueAt));
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        return _json.WrittenSpan;
    }

    // Most readers of a run share their due times: each distinct time is formatted once.
    private string Text(DateTimeOffset time) =>
        _times.TryGetValue(time, out var text) ? text : _times[time] = UtcTimestampHandler.ToText(time);

    public void Dispose()
    {
        _statement?.Dispose();
        _command?.Dispose();
    }
}
