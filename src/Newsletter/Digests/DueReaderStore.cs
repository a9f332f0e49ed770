using System.Data.Common;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
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

    // Only what planning uses. A reader's last_seq comes as -1 when they never had a digest (one column call, not a
    // NULL test and a read), and only then the time their first digest counts from (confirmed, else signed up).
    private const string PageSql = """
        SELECT id, email, frequency, weekday, hour, timezone, digest_order, COALESCE(last_seq, -1), next_due_at,
               CASE WHEN last_seq IS NULL THEN COALESCE(confirmed_at, created_at) END
        FROM subscribers
        WHERE state = 'confirmed' AND next_due_at <= @at AND id > @after
        ORDER BY id
        LIMIT @pageSize
        """;

    // In the primary key's order, so a reader's filters come in the same order on every run and either provider.
    private const string FiltersSql = """
        SELECT subscriber_id, kind = 'keyword', value
        FROM subscriber_filters
        WHERE subscriber_id > @after AND subscriber_id <= @last
        ORDER BY subscriber_id, kind, value
        """;

    private readonly DbConnection _connection;
    private readonly DateTimeOffset _at;
    private readonly int _pageSize;
    // SQLite: both statements on the connection's own handle, their text columns read as UTF-8 (see ReadSqlite).
    private readonly SqliteStatement? _sqlitePage;
    private readonly SqliteStatement? _sqliteFilters;
    // PostgreSQL: the same two queries as commands.
    private readonly DbCommand? _page;
    private readonly DbParameter? _after;
    private readonly DbCommand? _filters;
    private readonly DbParameter? _filtersAfter;
    private readonly DbParameter? _filtersLast;
    private readonly bool _emails;
    private char[] _chars = new char[256];
    private readonly List<long> _claims = [];

    /// <param name="emails">Whether the readers' addresses are read (planning itself does not use them).</param>
    public DueReaderStore(DbConnection connection, DateTimeOffset at, int pageSize, bool claimPages, bool emails)
    {
        _connection = connection;
        _at = at;
        _pageSize = pageSize;
        ClaimsPages = claimPages;
        _emails = emails;
        // Prepared once per run and run once per page each: the page's readers, then their filters in a second, narrow
        // query over the same span of ids. One query joining the two repeated every reader column on each of the
        // reader's filter rows (four on average), and read columns nobody used.
        if (connection is SqliteConnection sqlite)
        {
            _sqlitePage = new SqliteStatement(sqlite, PageSql);
            _sqlitePage.Bind("@at", UtcTimestampHandler.ToText(at));
            _sqlitePage.Bind("@pageSize", pageSize);
            _sqliteFilters = new SqliteStatement(sqlite, FiltersSql);
            return;
        }
        _page = connection.CreateCommand();
        _page.CommandText = PageSql;
        _page.AddTimestamp("at", at);
        _after = _page.AddParameter("after", 0L);
        _page.AddParameter("pageSize", pageSize);
        _filters = connection.CreateCommand();
        _filters.CommandText = FiltersSql;
        _filtersAfter = _filters.AddParameter("after", 0L);
        _filtersLast = _filters.AddParameter("last", 0L);
    }

    /// <summary>True when pages are claimed before they are read (PostgreSQL, where nodes plan at once).</summary>
    public bool ClaimsPages { get; }

    /// <summary>
    /// Appends the due readers after id <paramref name="after"/> to <paramref name="readers"/> and hands each of their
    /// filters to <paramref name="onFilter"/>, in reader order (see <see cref="DueReader"/>: its address is empty unless
    /// the store was asked for addresses).
    /// </summary>
    public void ReadPage(long after, List<DueReader> readers, FilterRow onFilter)
    {
        var first = readers.Count;
        if (_sqlitePage is not null) ReadSqlite(_sqlitePage, after, readers);
        else ReadReaders(after, readers);
        if (readers.Count == first) return;
        if (_sqliteFilters is not null) ReadSqliteFilters(_sqliteFilters, after, readers, first, onFilter);
        else ReadFilters(after, readers, first, onFilter);
    }

    // Each column is one call into SQLite (a text two: its bytes and their length), read from SQLite's own UTF-8, and a
    // filter's value is never made a string: Microsoft.Data.Sqlite's reader asks each column's type before reading it
    // and makes a string of every text (this halved the read's CPU: tests/BENCHMARKS.md, "The planner thread's page read").
    private void ReadSqlite(SqliteStatement page, long after, List<DueReader> readers)
    {
        page.Bind("@after", after);
        try
        {
            while (page.Step())
            {
                var lastSeq = page.Int64(7);
                readers.Add(Due(page.Int64(0), _emails ? Text(page.Utf8(1)) : "", Text(page.Utf8(2)), page.Int64(3), page.Int64(4),
                    Text(page.Utf8(5)), Text(page.Utf8(6)), lastSeq, UtcTimestampHandler.FromText(Text(page.Utf8(8))),
                    lastSeq >= 0 ? null : UtcTimestampHandler.FromText(Text(page.Utf8(9)))));
            }
        }
        finally
        {
            page.Reset();
        }
    }

    private void ReadReaders(long after, List<DueReader> readers)
    {
        _after!.Value = after;
        using var row = _page!.ExecuteReader();
        while (row.Read())
        {
            var lastSeq = row.GetInt64(7);
            readers.Add(Due(row.GetInt64(0), _emails ? row.GetString(1) : "", row.GetString(2), row.GetInt64(3), row.GetInt64(4),
                row.GetString(5), row.GetString(6), lastSeq, UtcTimestampHandler.Read(row, 8),
                lastSeq >= 0 ? null : UtcTimestampHandler.Read(row, 9)));
        }
    }

    // A due reader from the page query's columns (lastSeq -1: never had a digest).
    private static DueReader Due(long id, string email, string frequency, long weekday, long hour, string timezone, string digestOrder,
        long lastSeq, DateTimeOffset nextDue, DateTimeOffset? firstFrom) =>
        new(id, email, new ReaderSchedule(frequency, (int)weekday, (int)hour, timezone), digestOrder, lastSeq >= 0 ? lastSeq : null, nextDue, firstFrom);

    private void ReadSqliteFilters(SqliteStatement filters, long after, List<DueReader> readers, int first, FilterRow onFilter)
    {
        filters.Bind("@after", after);
        filters.Bind("@last", readers[^1].Id);
        try
        {
            var reader = first;
            while (filters.Step())
            {
                // The span of ids may hold readers who are not due (not confirmed, or due later): their filters are skipped.
                var id = filters.Int64(0);
                while (reader < readers.Count && readers[reader].Id < id) reader++;
                if (reader == readers.Count) break;
                if (readers[reader].Id == id) onFilter(reader - first, filters.Int64(1) != 0, Chars(filters.Utf8(2)));
            }
        }
        finally
        {
            filters.Reset();
        }
    }

    private void ReadFilters(long after, List<DueReader> readers, int first, FilterRow onFilter)
    {
        _filtersAfter!.Value = after;
        _filtersLast!.Value = readers[^1].Id;
        using var filter = _filters!.ExecuteReader();
        var reader = first;
        while (filter.Read())
        {
            var id = filter.GetInt64(0);
            while (reader < readers.Count && readers[reader].Id < id) reader++;
            if (reader == readers.Count) break;
            // The kind crosses as a flag: four filter rows a reader, each a string less to make.
            if (readers[reader].Id == id) onFilter(reader - first, filter.GetBoolean(1), filter.GetString(2));
        }
    }

    private static string Text(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);

    // UTF-8 text decoded into the store's buffer: valid until the next call.
    private ReadOnlySpan<char> Chars(ReadOnlySpan<byte> utf8)
    {
        if (_chars.Length < utf8.Length) _chars = new char[utf8.Length];
        return _chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, _chars));
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

    /// <summary>Ends the claims of all but the last <paramref name="keep"/> pages (the others' digests are written).</summary>
    public void ReleaseClaims(int keep)
    {
        keep = Math.Min(keep, _claims.Count);
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
        if (_connection.State == System.Data.ConnectionState.Open) ReleaseClaims(keep: 0);
        _sqlitePage?.Dispose();
        _sqliteFilters?.Dispose();
        _page?.Dispose();
        _filters?.Dispose();
    }
}

/// <summary>A due reader's filter as a page read hands it over: the reader's index in the page, whether it is a keyword, its value (valid during the call).</summary>
internal delegate void FilterRow(int reader, bool keyword, ReadOnlySpan<char> value);
