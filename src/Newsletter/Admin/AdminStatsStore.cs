using System.Globalization;
using Dapper;
using Newsletter.Storage;

namespace Newsletter.Admin;

/// <summary>
/// The operator's numbers. Each read sums a small rollup (kept by the triggers of migration 0017; on PostgreSQL a
/// key may hold several delta rows until they are folded, migration 0026) or reads an index range over the days shown: none scans the readers or the ledger, so a request costs the same with ten
/// readers or a million.
/// </summary>
public sealed class AdminStatsStore(Database database)
{
    /// <summary>Readers per state now (states with none may be missing).</summary>
    public IReadOnlyDictionary<string, long> ReaderStates()
    {
        using var connection = database.Connect();
        return connection.Query<(string State, long Readers)>("SELECT state, CAST(sum(readers) AS bigint) FROM reader_states GROUP BY state")
            .ToDictionary(r => r.State, r => r.Readers);
    }

    /// <summary>Sign-ups, confirmations, unsubscribes and suppressions per day from <paramref name="fromDay"/> on.</summary>
    public IReadOnlyList<DayCount> ReaderDays(string fromDay)
    {
        using var connection = database.Connect();
        return connection.Query<DayCount>(
            """
            SELECT day AS Day, 'signups' AS Series, CAST(sum(signups) AS bigint) AS Count FROM reader_days WHERE day >= @fromDay GROUP BY day
            UNION ALL SELECT day, 'confirmations', CAST(sum(confirmations) AS bigint) FROM reader_days WHERE day >= @fromDay GROUP BY day
            UNION ALL SELECT day, 'unsubscribes', CAST(sum(unsubscribes) AS bigint) FROM reader_days WHERE day >= @fromDay GROUP BY day
            UNION ALL SELECT day, 'suppressions', CAST(sum(suppressions) AS bigint) FROM reader_days WHERE day >= @fromDay GROUP BY day
            """,
            new { fromDay }).AsList();
    }

    /// <summary>Ledger rows per planning day and state from <paramref name="fromDay"/> on.</summary>
    public IReadOnlyList<DayCount> DeliveryDays(string fromDay)
    {
        using var connection = database.Connect();
        return connection.Query<DayCount>(
            """
            SELECT day AS Day, state AS Series, CAST(sum(rows) AS bigint) AS Count FROM delivery_days WHERE day >= @fromDay
            GROUP BY day, state HAVING sum(rows) <> 0
            """,
            new { fromDay }).AsList();
    }

    /// <summary>Ledger rows per state over every day kept.</summary>
    public IReadOnlyDictionary<string, long> DeliveryStates()
    {
        using var connection = database.Connect();
        return connection.Query<(string State, long Rows)>("SELECT state, CAST(sum(rows) AS bigint) FROM delivery_days GROUP BY state")
            .ToDictionary(r => r.State, r => r.Rows);
    }

    /// <summary>
    /// Bounces (hard, soft and blocked) and complaints per day from <paramref name="fromDay"/> on, as series
    /// <c>bounce</c> and <c>complaint</c>, from every way in (<c>bounce_events</c>, its <c>received_at</c> index).
    /// Auto-replies, notices and reports that matched nobody are not counted.
    /// </summary>
    public IReadOnlyList<DayCount> BounceDays(string fromDay)
    {
        using var connection = database.Connect();
        // The day of a time: the start of SQLite's fixed-width UTC text, utc_day() of PostgreSQL's timestamptz.
        return connection.Query<DayCount>(
            database.Dialect(
                sqlite:
                """
                SELECT substr(received_at, 1, 10) AS Day, CASE kind WHEN 'complaint' THEN 'complaint' ELSE 'bounce' END AS Series,
                       count(*) AS Count
                FROM bounce_events
                WHERE received_at >= @from AND subscriber_id IS NOT NULL AND kind IN ('hard', 'soft', 'blocked', 'complaint')
                GROUP BY 1, 2
                """,
                postgres:
                """
                SELECT utc_day(received_at) AS Day, CASE kind WHEN 'complaint' THEN 'complaint' ELSE 'bounce' END AS Series,
                       count(*) AS Count
                FROM bounce_events
                WHERE received_at >= @from AND subscriber_id IS NOT NULL AND kind IN ('hard', 'soft', 'blocked', 'complaint')
                GROUP BY 1, 2
                """),
            new { from = StartOf(fromDay) }).AsList();
    }

    /// <summary>Bounces and complaints ever recorded, by type (counted as in <see cref="BounceDays"/>).</summary>
    public IReadOnlyDictionary<string, long> BounceTotals()
    {
        using var connection = database.Connect();
        var counts = connection.Query<(string Type, long Count)>(
            """
            SELECT CASE kind WHEN 'complaint' THEN 'complaint' ELSE 'bounce' END, count(*)
            FROM bounce_events
            WHERE subscriber_id IS NOT NULL AND kind IN ('hard', 'soft', 'blocked', 'complaint')
            GROUP BY 1
            """).ToDictionary(c => c.Type, c => c.Count);
        return new Dictionary<string, long>
        {
            ["bounce"] = counts.GetValueOrDefault("bounce"),
            ["complaint"] = counts.GetValueOrDefault("complaint"),
        };
    }

    /// <summary>Papers first seen per day and source from <paramref name="fromDay"/> on (the <c>papers_first_seen</c> index).</summary>
    public IReadOnlyList<DayCount> PaperDays(string fromDay)
    {
        using var connection = database.Connect();
        return connection.Query<DayCount>(
            database.Dialect(
                sqlite:
                """
                SELECT substr(p.first_seen_at, 1, 10) AS Day, s.source AS Series, count(*) AS Count
                FROM papers p JOIN paper_sources s ON s.paper_id = p.id
                WHERE p.first_seen_at >= @from GROUP BY 1, 2
                """,
                postgres:
                """
                SELECT utc_day(p.first_seen_at) AS Day, s.source AS Series, count(*) AS Count
                FROM papers p JOIN paper_sources s ON s.paper_id = p.id
                WHERE p.first_seen_at >= @from GROUP BY 1, 2
                """),
            new { from = StartOf(fromDay) }).AsList();
    }

    /// <summary>Papers in the database.</summary>
    public long Papers()
    {
        using var connection = database.Connect();
        return connection.ExecuteScalar<long>("SELECT count(*) FROM papers");
    }

    /// <summary>Confirmed readers per topic slug.</summary>
    public IReadOnlyDictionary<string, long> TopicReaders()
    {
        using var connection = database.Connect();
        return connection.Query<(string Topic, long Readers)>("SELECT topic, CAST(sum(readers) AS bigint) FROM topic_readers GROUP BY topic")
            .ToDictionary(r => r.Topic, r => r.Readers, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// What the per-topic counts depend on, in one snapshot: the number that moves whenever any paper is added or
    /// changed (migration 0022) and the first paper first seen since <paramref name="since"/> (null: none).
    /// </summary>
    public (long Version, long? Low) TopicWindow(DateTimeOffset since)
    {
        using var connection = database.Connect();
        return connection.QuerySingle<(long, long?)>(
            "SELECT (SELECT version FROM paper_changes), (SELECT min(id) FROM papers WHERE first_seen_at >= @since)", new { since });
    }

    /// <summary>
    /// How many papers from id <paramref name="low"/> on each topic query matches: one full-text query per topic,
    /// limited by rowid to the papers of that window (none when <paramref name="low"/> is null). SQLite only: there
    /// is no <c>papers_fts</c> on PostgreSQL, where the overview counts through the matcher's window instead.
    /// </summary>
    public IReadOnlyDictionary<string, long> TopicMatches(IEnumerable<(string Slug, string Query)> topics, long? low)
    {
        using var connection = database.Open();
        var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var (slug, query) in topics)
        {
            counts[slug] = low is null ? 0 : connection.ExecuteScalar<long>(
                "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH @query AND rowid >= @low", new { query, low });
        }
        return counts;
    }

    // The first instant of a UTC day given as yyyy-MM-dd: a time compares with it on both providers, where the text
    // would compare only with SQLite's text times.
    private static DateTimeOffset StartOf(string day) =>
        DateTimeOffset.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
