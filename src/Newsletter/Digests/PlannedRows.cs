using System.Buffers;
using System.Text;
using System.Text.Json;
using Newsletter.Storage;

namespace Newsletter.Digests;

/// <summary>
/// A page's new ledger rows as the values of one multi-row insert (<see cref="DeliveryStore.Plan"/>): on SQLite one
/// JSON array of rows (<c>[subscriber, period, message id, window from, window to, list]</c>) that <c>json_each</c>
/// reads, on PostgreSQL one array per column for <c>unnest</c>.
/// </summary>
/// <remarks>
/// One statement a page, not one a row: each row's insert on SQLite opened a statement journal (the ledger's
/// rollup trigger may write several rows) and, once the page's reader update had spilled that journal to a temporary
/// file, wrote every page it touched there too (tests/BENCHMARKS.md, 2026-12-02).
/// </remarks>
internal sealed class PlannedRows(string messageIdDomain)
{
    private readonly ArrayBufferWriter<byte> _json = new(64 * 1024);
    private readonly List<long> _subscribers = [], _lists = [];
    private readonly List<string> _periods = [], _messageIds = [];
    private readonly List<DateTimeOffset> _from = [], _to = [];
    private readonly Dictionary<DateTimeOffset, string> _times = [];

    /// <summary>How many rows were added.</summary>
    public int Count => _subscribers.Count;

    /// <summary>Adds the row of <paramref name="digest"/>, pointing at its frozen list <paramref name="list"/>.</summary>
    public void Add(PlannedDigest digest, long list)
    {
        _subscribers.Add(digest.SubscriberId);
        _periods.Add(digest.PeriodKey);
        _messageIds.Add(DeliveryStore.MessageIdFor(digest.SubscriberId, digest.PeriodKey, messageIdDomain));
        _from.Add(digest.WindowFrom);
        _to.Add(digest.WindowTo);
        _lists.Add(list);
    }

    /// <summary>The rows as one JSON array of arrays (SQLite).</summary>
    public string Json()
    {
        _json.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_json))
        {
            json.WriteStartArray();
            for (var i = 0; i < Count; i++)
            {
                json.WriteStartArray();
                json.WriteNumberValue(_subscribers[i]);
                json.WriteStringValue(_periods[i]);
                json.WriteStringValue(_messageIds[i]);
                json.WriteStringValue(Text(_from[i]));
                json.WriteStringValue(Text(_to[i]));
                json.WriteNumberValue(_lists[i]);
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(_json.WrittenSpan);
    }

    /// <summary>The rows as one array per column (PostgreSQL), timestamps in the form <c>timestamptz</c> takes, and <paramref name="now"/>.</summary>
    public object Arrays(DateTimeOffset now) => new
    {
        now,
        subscriberIds = _subscribers.ToArray(),
        periodKeys = _periods.ToArray(),
        messageIds = _messageIds.ToArray(),
        windowFrom = _from.Select(UtcTimestampHandler.ToInstant).ToArray(),
        windowTo = _to.Select(UtcTimestampHandler.ToInstant).ToArray(),
        itemsLists = _lists.ToArray(),
    };

    // Most readers of a run share their window: each distinct time is formatted once.
    private string Text(DateTimeOffset time) =>
        _times.TryGetValue(time, out var text) ? text : _times[time] = UtcTimestampHandler.ToText(time);
}
