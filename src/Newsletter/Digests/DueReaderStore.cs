using Dapper;
using Microsoft.Data.Sqlite;
using Newsletter.Storage;
using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>
/// Reads the readers due at one time for a planning run, a page at a time in ascending id (keyset), each page with
/// its readers' filters in one streaming query. One instance per run; it uses the run's open connection.
/// </summary>
internal sealed class DueReaderStore : IDisposable
{
    private readonly SqliteCommand _page;
    private readonly SqliteParameter _after;

    public DueReaderStore(SqliteConnection connection, DateTimeOffset at, int pageSize)
    {
        // Prepared once per run and run once per page.
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

    /// <summary>
    /// Appends the due readers after id <paramref name="after"/> to <paramref name="readers"/> and hands each of their
    /// filters to <paramref name="onFilter"/> (kind, value), readers' filters in reader order.
    /// </summary>
    public void ReadPage(long after, List<Subscriber> readers, Action<string, string> onFilter)
    {
        _after.Value = after;
        using var row = _page.ExecuteReader();
        while (row.Read())
        {
            var id = row.GetInt64(0);
            if (readers.Count == 0 || readers[^1].Id != id)
            {
                readers.Add(new Subscriber
                {
                    Id = id,
                    Email = row.GetString(1),
                    State = row.GetString(2),
                    Frequency = row.GetString(3),
                    Weekday = row.GetInt32(4),
                    Hour = row.GetInt32(5),
                    Timezone = row.GetString(6),
                    CreatedAt = UtcTimestampHandler.FromText(row.GetString(7)),
                    ConfirmedAt = row.IsDBNull(8) ? null : UtcTimestampHandler.FromText(row.GetString(8)),
                    LastSeq = row.IsDBNull(9) ? null : row.GetInt64(9),
                    NextDueAt = UtcTimestampHandler.FromText(row.GetString(10)),
                    DigestOrder = row.GetString(13),
                });
            }
            if (!row.IsDBNull(11)) onFilter(row.GetString(11), row.GetString(12));
        }
    }

    /// <summary>
    /// The readers due at <paramref name="at"/>: the oldest paper any of them has had (their lowest <c>last_seq</c>),
    /// and the earliest time one who never had a digest confirmed.
    /// </summary>
    public static (long? MinLastSeq, DateTimeOffset? FirstConfirmed) DueBounds(SqliteConnection connection, DateTimeOffset at) =>
        connection.QuerySingle<(long?, DateTimeOffset?)>(
            """
            SELECT MIN(last_seq), MIN(CASE WHEN last_seq IS NULL THEN COALESCE(confirmed_at, created_at) END)
            FROM subscribers
            WHERE state = 'confirmed' AND next_due_at <= @at
            """,
            new { at });

    public void Dispose() => _page.Dispose();
}
