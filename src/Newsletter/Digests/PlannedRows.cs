using System.Text;
using Microsoft.Data.Sqlite;
using Newsletter.Storage;

namespace Newsletter.Digests;

/// <summary>
/// A page's new ledger rows as the values of a few multi-row inserts (<see cref="DeliveryStore.Plan"/>), a chunk of at
/// most <see cref="ChunkRows"/> rows each: on SQLite bound by number to a statement of the chunk's rows
/// (<see cref="Bind"/>), on PostgreSQL one array per column for <c>unnest</c>.
/// </summary>
/// <remarks>
/// A few statements a page, not one a row: each row's insert on SQLite opened a statement journal (the ledger's
/// rollup trigger may write several rows) and, once the page's reader update had spilled that journal to a temporary
/// file, wrote every page it touched there too (tests/BENCHMARKS.md, 2026-12-02). On SQLite the values are bound as
/// they are: a chunk as one JSON array through <c>jsonb_each</c> was written, parsed and read back by six <c>->></c>
/// a row (tests/BENCHMARKS.md, "The ledger writer's statements bound").
/// </remarks>
internal sealed class PlannedRows(string messageIdDomain)
{
    /// <summary>
    /// Rows per insert: SQLite's statement binds 1 + 6 × 200 values (it allows 32,766); PostgreSQL's arrays stay off
    /// the large-object heap.
    /// </summary>
    public const int ChunkRows = 200;

    private readonly List<long> _subscribers = [], _lists = [];
    private readonly List<string> _periods = [];
    // The Message-ID's part after the reader's id, by period key: one for a whole run (LedgerMessageId.Suffix).
    private readonly Dictionary<string, string> _suffixes = [];
    private readonly List<DateTimeOffset> _from = [], _to = [];
    private readonly Dictionary<string, byte[]> _periodBytes = [];
    private readonly Dictionary<DateTimeOffset, byte[]> _times = [];

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
    /// PostgreSQL: the parameters of each chunk's insert, in order: <c>now</c> and one array per column, timestamps in
    /// the form <c>timestamptz</c> takes.
    /// </summary>
    public IEnumerable<object> Chunks(DateTimeOffset now)
    {
        for (var start = 0; start < Count; start += ChunkRows) yield return Arrays(start, Math.Min(ChunkRows, Count - start), now);
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

    /// <summary>
    /// SQLite: binds the <paramref name="count"/> rows from <paramref name="start"/> to <paramref name="insert"/>, a
    /// statement of that many rows (<see cref="DeliveryStore.InsertPlanned(SqliteConnection, PlannedRows, DateTimeOffset)"/>):
    /// <c>now</c> is parameter 1, row r's six values parameters 2 + 6r to 7 + 6r, texts bound as their UTF-8 bytes.
    /// </summary>
    public void Bind(SqliteStatement insert, int start, int count, DateTimeOffset now)
    {
        // Each row's Message-ID is written here, not made as a string per reader.
        Span<char> messageId = stackalloc char[256];
        Span<byte> utf8 = stackalloc byte[1024];
        insert.Bind(1, Utf8(now));
        for (var i = start; i < start + count; i++)
        {
            var at = 2 + 6 * (i - start);
            insert.Bind(at, _subscribers[i]);
            insert.Bind(at + 1, Utf8(_periods[i]));
            var length = LedgerMessageId.Format(messageId, _subscribers[i], Suffix(_periods[i]));
            if (length >= 0) insert.Bind(at + 2, utf8[..Encoding.UTF8.GetBytes(messageId[..length], utf8)]);
            else insert.Bind(at + 2, Encoding.UTF8.GetBytes(MessageId(i)));
            insert.Bind(at + 3, Utf8(_from[i]));
            insert.Bind(at + 4, Utf8(_to[i]));
            insert.Bind(at + 5, _lists[i]);
        }
    }

    private string MessageId(int row) => LedgerMessageId.For(_subscribers[row], _periods[row], messageIdDomain);

    private string Suffix(string periodKey) =>
        _suffixes.TryGetValue(periodKey, out var suffix) ? suffix : _suffixes[periodKey] = LedgerMessageId.Suffix(periodKey, messageIdDomain);

    // A run has one or two period keys, and most of its readers share their window: each text is encoded once.
    private byte[] Utf8(string periodKey) =>
        _periodBytes.TryGetValue(periodKey, out var bytes) ? bytes : _periodBytes[periodKey] = Encoding.UTF8.GetBytes(periodKey);

    private byte[] Utf8(DateTimeOffset time) =>
        _times.TryGetValue(time, out var bytes) ? bytes : _times[time] = Encoding.UTF8.GetBytes(UtcTimestampHandler.ToText(time));
}
