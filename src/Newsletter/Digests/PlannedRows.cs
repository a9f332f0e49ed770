using System.Buffers;
using System.Text;
using System.Text.Json;
using Newsletter.Storage;

namespace Newsletter.Digests;

/// <summary>
/// A page's new ledger rows as the values of a few multi-row inserts (<see cref="DeliveryStore.Plan"/>), a chunk of at
/// most <see cref="ChunkRows"/> rows each: on SQLite one JSON array of rows (<c>[subscriber, period, message id,
/// window from, window to, list]</c>) that <c>jsonb_each</c> reads, on PostgreSQL one array per column for <c>unnest</c>.
/// </summary>
/// <remarks>
/// A few statements a page, not one a row: each row's insert on SQLite opened a statement journal (the ledger's
/// rollup trigger may write several rows) and, once the page's reader update had spilled that journal to a temporary
/// file, wrote every page it touched there too (tests/BENCHMARKS.md, 2026-12-02). Not one a page either: a page's
/// JSON as one string was ~1.5 MB on the large-object heap, which only a full collection frees, 500 times in a run
/// of 1,000,000 readers; a chunk's text stays under the large-object threshold (85,000 bytes) and its bytes are
/// written into one buffer the page reuses.
/// </remarks>
internal sealed class PlannedRows(string messageIdDomain)
{
    /// <summary>
    /// Rows per insert: a row's JSON is about 150 characters, so a chunk's text (two bytes a character) stays well
    /// under the large-object heap's 85,000 bytes.
    /// </summary>
    public const int ChunkRows = 200;

    private readonly ArrayBufferWriter<byte> _json = new(ChunkRows * 200);
    private readonly List<long> _subscribers = [], _lists = [];
    private readonly List<string> _periods = [];
    // The Message-ID's part after the reader's id, by period key: one for a whole run (LedgerMessageId.Suffix).
    private readonly Dictionary<string, string> _suffixes = [];
    private readonly List<DateTimeOffset> _from = [], _to = [];
    private readonly Dictionary<DateTimeOffset, string> _times = [];

    /// <summary>How many rows were added.</summary>
    public int Count => _subscribers.Count;

    /// <summary>Adds the row of <paramref name="digest"/>, pointing at its frozen list <paramref name="list"/>.</summary>
    public void Add(PlannedDigest digest, long list)
    {
        _subscribers.Add(digest.SubscriberId);
        _periods.Add(digest.PeriodKey);
        _from.Add(digest.WindowFrom);
        _to.Add(digest.WindowTo);
        _lists.Add(list);
    }

    /// <summary>
    /// The parameters of each chunk's insert, in order: <c>now</c> and, on SQLite (<paramref name="arrays"/> false),
    /// <c>rows</c> (the chunk's JSON), on PostgreSQL one array per column, timestamps in the form <c>timestamptz</c> takes.
    /// </summary>
    public IEnumerable<object> Chunks(DateTimeOffset now, bool arrays)
    {
        for (var start = 0; start < Count; start += ChunkRows)
        {
            var count = Math.Min(ChunkRows, Count - start);
            yield return arrays ? Arrays(start, count, now) : new { rows = Json(start, count), now };
        }
    }

    private string Json(int start, int count)
    {
        _json.ResetWrittenCount();
        // Each row's Message-ID is written from here, not made as a string per reader.
        Span<char> messageId = stackalloc char[256];
        using (var json = new Utf8JsonWriter(_json))
        {
            json.WriteStartArray();
            for (var i = start; i < start + count; i++)
            {
                json.WriteStartArray();
                json.WriteNumberValue(_subscribers[i]);
                json.WriteStringValue(_periods[i]);
                var length = LedgerMessageId.Format(messageId, _subscribers[i], Suffix(_periods[i]));
                if (length >= 0) json.WriteStringValue(messageId[..length]);
                else json.WriteStringValue(MessageId(i));
                json.WriteStringValue(Text(_from[i]));
                json.WriteStringValue(Text(_to[i]));
                json.WriteNumberValue(_lists[i]);
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(_json.WrittenSpan);
    }

    private object Arrays(int start, int count, DateTimeOffset now) => new
    {
        now,
        subscriberIds = _subscribers.GetRange(start, count).ToArray(),
        periodKeys = _periods.GetRange(start, count).ToArray(),
        messageIds = Enumerable.Range(start, count).Select(MessageId).ToArray(),
        windowFrom = _from.GetRange(start, count).Select(UtcTimestampHandler.ToInstant).ToArray(),
        windowTo = _to.GetRange(start, count).Select(UtcTimestampHandler.ToInstant).ToArray(),
        itemsLists = _lists.GetRange(start, count).ToArray(),
    };

    private string MessageId(int row) => LedgerMessageId.For(_subscribers[row], _periods[row], messageIdDomain);

    private string Suffix(string periodKey) =>
        _suffixes.TryGetValue(periodKey, out var suffix) ? suffix : _suffixes[periodKey] = LedgerMessageId.Suffix(periodKey, messageIdDomain);

    // Most readers of a run share their window: each distinct time is formatted once.
    private string Text(DateTimeOffset time) =>
        _times.TryGetValue(time, out var text) ? text : _times[time] = UtcTimestampHandler.ToText(time);
}
