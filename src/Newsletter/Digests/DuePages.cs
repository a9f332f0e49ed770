using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>
/// The readers due at one time, in pages of ascending id (keyset, so a run never holds them all), each page read
/// with its readers' filters by one streaming query; each filter comes back as its result in the run's window.
/// </summary>
internal sealed class DuePages : IDisposable
{
    private readonly SqliteCommand _page;
    private readonly SqliteParameter _after;
    private readonly List<Subscriber> _readers = [];
    private readonly List<int> _firstFilter = [];
    private readonly List<FilterResult> _filters = [];
    private FilterResult[] _filterArray = [];

    public DuePages(SqliteConnection connection, DateTimeOffset at, int pageSize)
    {
        _page = connection.CreateCommand();
        _page.CommandText = """
            SELECT s.id, s.email, s.state, s.frequency, s.weekday, s.hour, s.timezone, s.created_at, s.confirmed_at,
                   s.last_seq, s.next_due_at, f.kind, f.value, s.digest_order
            FROM (SELECT * FROM subscribers
                  WHERE state = 'confirmed' AND next_due_at <= $at AND id > $after
                  ORDER BY id
                  LIMIT $pageSize) AS s
            LEFT JOIN subscriber_filters AS f ON f.subscriber_id = s.id
            ORDER BY s.id
            """;
        _page.Parameters.AddWithValue("$at", UtcTimestampHandler.ToText(at));
        _after = _page.Parameters.AddWithValue("$after", 0L);
        _page.Parameters.AddWithValue("$pageSize", pageSize);
    }

    /// <summary>The readers of the current page.</summary>
    public IReadOnlyList<Subscriber> Readers => _readers;

    /// <summary>The filters of the current page's reader at <paramref name="index"/>, as results in the window.</summary>
    public ReadOnlySpan<FilterResult> FiltersOf(int index)
    {
        var first = _firstFilter[index];
        var end = index + 1 < _firstFilter.Count ? _firstFilter[index + 1] : _filters.Count;
        return _filterArray.AsSpan(first, end - first);
    }

    /// <summary>Reads the next page, evaluating each filter not seen before; false when no reader is left.</summary>
    // A planning run lasts seconds, too short for tiered compilation to catch up with this hot loop.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Next(WindowMatcher matcher)
    {
        _readers.Clear();
        _firstFilter.Clear();
        _filters.Clear();
        using (var row = _page.ExecuteReader())
        {
            while (row.Read())
            {
                var id = row.GetInt64(0);
                if (_readers.Count == 0 || _readers[^1].Id != id)
                {
                    _readers.Add(new Subscriber
                    {
                        Id = id,
                        Email = row.GetString(1),
                        State = row.GetString(2),
                        Frequency = row.GetString(3),
                        Weekday = row.GetInt32(4),
                        Hour = row.GetInt32(5),
                        Timezone = row.GetString(6),
                        CreatedAt = Timestamp(row.GetString(7)),
                        ConfirmedAt = row.IsDBNull(8) ? null : Timestamp(row.GetString(8)),
                        LastSeq = row.IsDBNull(9) ? null : row.GetInt64(9),
                        NextDueAt = Timestamp(row.GetString(10)),
                        DigestOrder = row.GetString(13),
                    });
                    _firstFilter.Add(_filters.Count);
                }
                if (!row.IsDBNull(11)) _filters.Add(matcher.Get(row.GetString(11), row.GetString(12)));
            }
        }
        if (_readers.Count == 0) return false;
        _after.Value = _readers[^1].Id;
        if (_filterArray.Length < _filters.Count) _filterArray = new FilterResult[Math.Max(_filters.Count, _filterArray.Length * 2)];
        _filters.CopyTo(_filterArray);
        return true;
    }

    /// <summary>Reads a stored timestamp: the fixed format the app writes, else anything the Dapper handler accepts.</summary>
    private static DateTimeOffset Timestamp(string text) =>
        DateTimeOffset.TryParseExact(text, UtcTimestampHandler.Format, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : (DateTimeOffset)new UtcTimestampHandler().Parse(text);

    public void Dispose() => _page.Dispose();
}
