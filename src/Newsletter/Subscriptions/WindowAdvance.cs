using System.Buffers;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using Newsletter.Storage;

namespace Newsletter.Subscriptions;

/// <summary>
/// The statement that advances a planning page's readers' digest windows, all of them at once whatever their
/// schedules (<see cref="SubscriberStore.PrepareWindowAdvance"/>), reused for every page of a planning transaction.
/// </summary>
/// <remarks>
/// A few statements a page, each for any mix of (last seq, next due, previous due), not one per distinct mix: readers
/// in many time zones or on many schedules made a page several statements, each reading and parsing its own id list.
/// </remarks>
internal sealed class WindowAdvance : IDisposable
{
    /// <summary>
    /// Moves per statement on SQLite: a page's JSON as one string (~260 KB) and its UTF-8 copy went to the large-object
    /// heap, which only a full collection frees, every page of a run; a chunk's stays under its 85,000 bytes.
    /// </summary>
    private const int ChunkMoves = 200;

    private readonly DbCommand _command;
    private readonly bool _arrays;
    private readonly DbParameter _moves, _lastSeqs, _nextDue, _previousDue;
    private readonly ArrayBufferWriter<byte> _json = new(4096);
    private readonly Dictionary<DateTimeOffset, string> _times = [];

    internal WindowAdvance(DbCommand command, bool arrays)
    {
        _command = command;
        _arrays = arrays;
        // SQLite reads the moves as one JSON array of [id, last seq, next due, previous due]; PostgreSQL as one array a column.
        _moves = command.AddParameter(arrays ? "ids" : "moves", "");
        _lastSeqs = arrays ? command.AddParameter("lastSeqs", Array.Empty<long>()) : _moves;
        _nextDue = arrays ? command.AddParameter("nextDue", Array.Empty<DateTimeOffset>()) : _moves;
        _previousDue = arrays ? command.AddParameter("previousDue", Array.Empty<DateTimeOffset>()) : _moves;
    }

    /// <summary>
    /// Moves each reader of <paramref name="moves"/> that is still confirmed and due at its previous due time; adds
    /// the ids it moved to <paramref name="moved"/>.
    /// </summary>
    public void Run(IReadOnlyList<WindowMove> moves, ISet<long> moved)
    {
        if (moves.Count == 0) return;
        if (_arrays)
        {
            _moves.Value = moves.Select(m => m.SubscriberId).ToArray();
            _lastSeqs.Value = moves.Select(m => m.LastSeq).ToArray();
            _nextDue.Value = moves.Select(m => UtcTimestampHandler.ToInstant(m.NextDueAt)).ToArray();
            _previousDue.Value = moves.Select(m => UtcTimestampHandler.ToInstant(m.PreviousDueAt)).ToArray();
            Execute(moved);
            return;
        }
        for (var start = 0; start < moves.Count; start += ChunkMoves)
        {
            _moves.Value = Json(moves, start, Math.Min(ChunkMoves, moves.Count - start));
            Execute(moved);
        }
    }

    private void Execute(ISet<long> moved)
    {
        using var reader = _command.ExecuteReader();
        while (reader.Read()) moved.Add(reader.GetInt64(0));
    }

    private string Json(IReadOnlyList<WindowMove> moves, int start, int count)
    {
        _json.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_json))
        {
            json.WriteStartArray();
            for (var i = start; i < start + count; i++)
            {
                var move = moves[i];
                json.WriteStartArray();
                json.WriteNumberValue(move.SubscriberId);
                json.WriteNumberValue(move.LastSeq);
                json.WriteStringValue(Text(move.NextDueAt));
                json.WriteStringValue(Text(move.PreviousDueAt));
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(_json.WrittenSpan);
    }

    // Most readers of a run share their due times: each distinct time is formatted once.
    private string Text(DateTimeOffset time) =>
        _times.TryGetValue(time, out var text) ? text : _times[time] = UtcTimestampHandler.ToText(time);

    public void Dispose() => _command.Dispose();
}
