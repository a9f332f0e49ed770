using Dapper;
using Newsletter.Storage;

namespace Newsletter.Admin;

/// <summary>
/// What the operator's reader and delivery pages read from the ledger and the papers (the stores that own those
/// tables write them; this one only reads). Every read is bounded by a limit and runs on an index.
/// </summary>
public sealed class AdminLedgerStore(Database database)
{
    /// <summary>A reader's newest ledger rows, newest first (at most <paramref name="limit"/>).</summary>
    public IReadOnlyList<LedgerLine> ForReader(long subscriberId, int limit)
    {
        using var connection = database.Connect();
        return connection.Query<LedgerLine>(
            """
            SELECT d.id AS Id, d.subscriber_id AS SubscriberId, s.email AS Email, d.period_key AS PeriodKey, d.state AS State,
                   d.attempts AS Attempts, d.created_at AS CreatedAt, d.sent_at AS SentAt, d.last_error AS LastError,
                   d.server_reply AS ServerReply, COALESCE(l.items, d.items_json) AS ItemsJson
            FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id LEFT JOIN frozen_lists l ON l.id = d.items_list
            WHERE d.subscriber_id = @subscriberId
            ORDER BY d.id DESC LIMIT @limit
            """,
            new { subscriberId, limit }).AsList();
    }

    /// <summary>
    /// Rows planned in [<paramref name="from"/>, <paramref name="before"/>) in <paramref name="state"/>, newest first,
    /// below id <paramref name="belowId"/> when given (the next page), at most <paramref name="limit"/>. The range read
    /// of index <c>deliveries_state_created</c> (migration 0024): its cost is bounded by one day's rows in one state.
    /// </summary>
    public IReadOnlyList<LedgerLine> Planned(DateTimeOffset from, DateTimeOffset before, string state, long? belowId, int limit)
    {
        using var connection = database.Connect();
        return connection.Query<LedgerLine>(
            """
            SELECT d.id AS Id, d.subscriber_id AS SubscriberId, s.email AS Email, d.period_key AS PeriodKey, d.state AS State,
                   d.attempts AS Attempts, d.created_at AS CreatedAt, d.sent_at AS SentAt, d.last_error AS LastError,
                   d.server_reply AS ServerReply, '[]' AS ItemsJson
            FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id
            WHERE d.state = @state AND d.created_at >= @from AND d.created_at < @before AND (@belowId IS NULL OR d.id < @belowId)
            ORDER BY d.id DESC LIMIT @limit
            """,
            new { from, before, state, belowId, limit }).AsList();
    }

    /// <summary>Rows planned on <paramref name="day"/> (UTC, <c>yyyy-MM-dd</c>) per state, from the daily rollup.</summary>
    public IReadOnlyDictionary<string, long> DayStates(string day)
    {
        using var connection = database.Connect();
        return connection.Query<(string State, long Rows)>("SELECT state, CAST(sum(rows) AS bigint) FROM delivery_days WHERE day = @day GROUP BY state", new { day })
            .ToDictionary(r => r.State, r => r.Rows, StringComparer.Ordinal);
    }

    /// <summary>The titles of these papers, by id (papers no longer stored are missing).</summary>
    public IReadOnlyDictionary<long, string> PaperTitles(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0) return new Dictionary<long, string>();
        using var connection = database.Connect();
        return connection.Query<(long Id, string Title)>(
                database.Dialect(sqlite: "SELECT id, title FROM papers WHERE id IN (SELECT value FROM json_each(@ids))", postgres: "SELECT id, title FROM papers WHERE id = ANY(@ids)"),
                new { ids = database.List(ids) })
            .ToDictionary(p => p.Id, p => p.Title);
    }
}
