using System.Data.Common;
using System.Globalization;
using System.Text;
using Newsletter.Storage;

namespace Newsletter.Subscriptions;

/// <summary>
/// The prepared statement that advances a group of readers' digest windows (<see cref="SubscriberStore.PrepareWindowAdvance"/>),
/// reused for every group of a planning transaction.
/// </summary>
internal sealed class WindowAdvance : IDisposable
{
    private readonly DbCommand _command;
    private readonly bool _idsAsArray;
    private readonly DbParameter _lastSeq, _nextDueAt, _subscriberIds, _previousDueAt;
    private readonly StringBuilder _json = new();

    internal WindowAdvance(DbCommand command, bool idsAsArray)
    {
        _command = command;
        _idsAsArray = idsAsArray;
        _lastSeq = command.AddParameter("lastSeq", 0L);
        _nextDueAt = command.AddTimestamp("nextDueAt", default);
        _subscriberIds = command.AddParameter("subscriberIds", "");
        _previousDueAt = command.AddTimestamp("previousDueAt", default);
    }

    /// <summary>
    /// Moves the readers <paramref name="subscriberIds"/> that are still confirmed and due at
    /// <paramref name="previousDueAt"/>; adds the ids it moved to <paramref name="moved"/>.
    /// </summary>
    public void Run(long lastSeq, DateTimeOffset nextDueAt, IEnumerable<long> subscriberIds, DateTimeOffset previousDueAt, ISet<long> moved)
    {
        _lastSeq.Value = lastSeq;
        UtcTimestampHandler.Bind(_nextDueAt, nextDueAt);
        UtcTimestampHandler.Bind(_previousDueAt, previousDueAt);
        // PostgreSQL takes the ids as one array; SQLite as a JSON array its json_each reads.
        if (_idsAsArray)
        {
            _subscriberIds.Value = subscriberIds.ToArray();
        }
        else
        {
            _json.Clear().Append('[');
            foreach (var id in subscriberIds) _json.Append(CultureInfo.InvariantCulture, $"{id},");
            if (_json.Length > 1) _json.Length--;
            _subscriberIds.Value = _json.Append(']').ToString();
        }
        using var reader = _command.ExecuteReader();
        while (reader.Read()) moved.Add(reader.GetInt64(0));
    }

    public void Dispose() => _command.Dispose();
}
