using System.Data.Common;
using Dapper;
using Newsletter.Storage;
using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>
/// Reads the readers due at one time for a planning run, a page at a time in ascending id (keyset), each page with
/// its readers' filters in a second query. One instance per run; it uses the run's open connection.
/// </summary>
/// <remarks>
/// On PostgreSQL several nodes may plan at once, so a page is claimed before it is read: a session advisory lock
/// named by the page's first due reader (<see cref="TryClaim"/>). Another node reaching the same page skips it and
/// goes on after it; the claim ends when the page is written (<see cref="ReleaseClaims"/>) or when the node's
/// connection ends (it died), and the readers of a page never written stay due for the next run. The claims only
/// split the work: the window advance's guard and the unique (reader, period) key keep each digest exactly once.
/// </remarks>
internal sealed class DueReaderStore : IDisposable
{
    // Names this service's planning pages among the database's advisory locks (the two-key form, so it never meets
    // the migrator's one-key lock); the second key is the page's first reader id.
    internal const int PageLock = 0x4E4C5047;

    private readonly DbConnection _connection;
    private readonly DateTimeOffset _at;
    private readonly int _pageSize;
    private readonly DbCommand _page;
    private readonly DbParameter _after;
    private readonly DbCommand _filters;
    private readonly DbParameter _filtersAfter;
    private readonly DbParameter _filtersLast;
    private readonly List<long> _claims = [];

    public DueReaderStore(DbConnection connection, DateTimeOffset at, int pageSize, bool claimPages)
    {
        _connection = connection;
        _at = at;
        _pageSize = pageSize;
        ClaimsPages = claimPages;
        // Prepared once per run and run once per page each: the page's readers, then their filters in a second, narrow
        // query over the same span of ids. One query joining the two repeated every reader column on each of the
        // reader's filter rows (four on average), and read columns nobody used.
        _page = connection.CreateCommand();
        _page.CommandText = """
            SELECT id, email, frequency, weekday, hour, timezone, created_at, confirmed_at, last_seq, next_due_at, digest_order
            FROM subscribers
            WHERE state = 'confirmed' AND next_due_at <= @at AND id > @after
            ORDER BY id
            LIMIT @pageSize
            """;
        _page.AddTimestamp("at", at);
        _after = _page.AddParameter("after", 0L);
        _page.AddParameter("pageSize", pageSize);
        // In the primary key's order, so a reader's filters come in the same order on every run and either provider.
        _filters = connection.CreateCommand();
        _filters.CommandText = """
            SELECT subscriber_id, kind = 'keyword', value
            FROM subscriber_filters
            WHERE subscriber_id > @after AND subscriber_id <= @last
            ORDER BY subscriber_id, kind, value
            """;
        _filtersAfter = _filters.AddParameter("after", 0L);
        _filtersLast = _filters.AddParameter("last", 0L);
    }

    /// <summary>True when pages are claimed before they are read (PostgreSQL, where nodes plan at once).</summary>
    public bool ClaimsPages { get; }

    /// <summary>
    /// Appends the due readers after id <paramref name="after"/> to <paramref name="readers"/> and hands each of their
    /// filters to <paramref name="onFilter"/> (the reader's index in the page, whether it is a keyword, its value), in
    /// reader order.
    /// </summary>
    public void ReadPage(long after, List<Subscriber> readers, Action<int, bool, string> onFilter)
    {
        var first = readers.Count;
        _after.Value = after;
        using (var row = _page.ExecuteReader())
        {
            while (row.Read())
            {
                readers.Add(new Subscriber
                {
                    Id = row.GetInt64(0),
                    Email = row.GetString(1),
                    // Only confirmed readers are due (the query's own condition): the state need not cross over.
                    State = SubscriberStates.Confirmed,
                    Frequency = row.GetString(2),
                    Weekday = (int)row.GetInt64(3),
                    Hour = (int)row.GetInt64(4),
                    Timezone = row.GetString(5),
                    CreatedAt = UtcTimestampHandler.Read(row, 6),
                    ConfirmedAt = row.IsDBNull(7) ? null : UtcTimestampHandler.Read(row, 7),
                    LastSeq = row.IsDBNull(8) ? null : row.GetInt64(8),
                    NextDueAt = UtcTimestampHandler.Read(row, 9),
                    DigestOrder = row.GetString(10),
                });
            }
        }
        if (readers.Count == first) return;
        _filtersAfter.Value = after;
        _filtersLast.Value = readers[^1].Id;
        using var filter = _filters.ExecuteReader();
        var reader = first;
        while (filter.Read())
        {
            // The span of ids may hold readers who are not due (not confirmed, or due later): their filters are skipped.
            var id = filter.GetInt64(0);
            while (reader < readers.Count && readers[reader].Id < id) reader++;
            if (reader == readers.Count) break;
            // The kind crosses as a flag: four filter rows a reader, each a string less to make.
            if (readers[reader].Id == id) onFilter(reader - first, filter.GetBoolean(1), filter.GetString(2));
        }
    }

    /// <summary>The first reader due after id <paramref name="after"/>, or null when none is left.</summary>
    public long? FirstDue(long after) =>
        _connection.ExecuteScalar<long?>(
            "SELECT MIN(id) FROM subscribers WHERE state = 'confirmed' AND next_due_at <= @at AND id > @after",
            new { at = _at, after });

    /// <summary>The last reader of the page of due readers after id <paramref name="after"/>: where a skipped page ends.</summary>
    public long PageEnd(long after) =>
        _connection.ExecuteScalar<long?>(
            """
            SELECT MAX(id) FROM (SELECT id FROM subscribers WHERE state = 'confirmed' AND next_due_at <= @at AND id > @after
                                 ORDER BY id LIMIT @pageSize) AS page
            """,
            new { at = _at, after, pageSize = _pageSize }) ?? after;

    /// <summary>
    /// Claims the page that starts at reader <paramref name="firstId"/> for this run until <see cref="ReleaseClaims"/>;
    /// false when another run (on any node) holds it.
    /// </summary>
    public bool TryClaim(long firstId)
    {
        var claimed = _connection.ExecuteScalar<bool>(
            "SELECT pg_try_advisory_lock(@PageLock, @key)", new { PageLock, key = unchecked((int)firstId) });
        if (claimed) _claims.Add(firstId);
        return claimed;
    }

    /// <summary>Ends the claims of the pages before the current one (their digests are written).</summary>
    public void ReleaseClaims(bool keepCurrent)
    {
        var keep = keepCurrent && _claims.Count > 0 ? 1 : 0;
        foreach (var firstId in _claims.Take(_claims.Count - keep))
            _connection.Execute("SELECT pg_advisory_unlock(@PageLock, @key)", new { PageLock, key = unchecked((int)firstId) });
        _claims.RemoveRange(0, _claims.Count - keep);
    }

    /// <summary>
    /// How many of the readers due at <paramref name="at"/> name each keyword: a run releases a keyword's result after
    /// its last reader (<see cref="Matching.WindowMatcher.ExpectUses"/>). Topics are not counted: nearly every reader names one.
    /// </summary>
    public static List<(string Keyword, int Uses)> KeywordUses(DbConnection connection, DateTimeOffset at)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT f.value, COUNT(*)
            FROM subscriber_filters f JOIN subscribers s ON s.id = f.subscriber_id
            WHERE f.kind = 'keyword' AND s.state = 'confirmed' AND s.next_due_at <= @at
            GROUP BY f.value
            """;
        command.AddTimestamp("at", at);
        var uses = new List<(string, int)>();
        using var row = command.ExecuteReader();
        while (row.Read()) uses.Add((row.GetString(0), (int)row.GetInt64(1)));
        return uses;
    }

    /// <summary>
    /// The readers due at <paramref name="at"/>: the oldest paper any of them has had (their lowest <c>last_seq</c>),
    /// and the earliest time one who never had a digest confirmed.
    /// </summary>
    public static (long? MinLastSeq, DateTimeOffset? FirstConfirmed) DueBounds(DbConnection connection, DateTimeOffset at) =>
        connection.QuerySingle<(long?, DateTimeOffset?)>(
            """
            SELECT MIN(last_seq), MIN(CASE WHEN last_seq IS NULL THEN COALESCE(confirmed_at, created_at) END)
            FROM subscribers
            WHERE state = 'confirmed' AND next_due_at <= @at
            """,
            new { at });

    public void Dispose()
    {
        // A pooled connection keeps session locks when it goes back to the pool: end them here.
        if (_connection.State == System.Data.ConnectionState.Open) ReleaseClaims(keepCurrent: false);
        _page.Dispose();
        _filters.Dispose();
    }
}
