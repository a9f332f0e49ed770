using Dapper;
using Newsletter.Digests;
using Newsletter.Storage;

namespace Newsletter.Papers;

/// <summary>
/// Reads papers for the public pages and feeds: by day (published, else first seen; indexed by migration 0013),
/// newest first, by id, and the papers of one reader's digests. Every read is capped by its caller.
/// </summary>
public sealed class RecentPaperStore(Database database)
{
    // The UTC day of a time: SQLite's fixed-width text starts with it; PostgreSQL's timestamptz needs utc_day().
    private string Columns => database.Dialect(
        sqlite:
        """
        id AS Id, paper_key AS Key, arxiv_id AS ArxivId, title AS Title, abstract AS Abstract, authors AS Authors,
        upvotes AS Upvotes, coalesce(abs_url, hf_url) AS Url, pdf_url AS PdfUrl,
        substr(coalesce(published_at, first_seen_at), 1, 10) AS Day, first_seen_at AS FirstSeenAt, updated_at AS UpdatedAt
        """,
        postgres:
        """
        id AS Id, paper_key AS Key, arxiv_id AS ArxivId, title AS Title, abstract AS Abstract, authors AS Authors,
        upvotes AS Upvotes, coalesce(abs_url, hf_url) AS Url, pdf_url AS PdfUrl,
        utc_day(coalesce(published_at, first_seen_at)) AS Day, first_seen_at AS FirstSeenAt, updated_at AS UpdatedAt
        """);

    /// <summary>Up to <paramref name="count"/> days that have papers, newest first, all before <paramref name="before"/> (or any).</summary>
    public IReadOnlyList<DateOnly> Days(DateOnly? before, int count)
    {
        using var connection = database.Connect();
        // One index seek per day (the expression index of 0013) rather than sorting every paper's day.
        var days = new List<DateOnly>();
        var cursor = before is { } first ? StartOf(first) : DateTimeOffset.MaxValue;
        while (days.Count < count)
        {
            var newest = connection.QuerySingleOrDefault<DateTimeOffset?>(
                """
                SELECT coalesce(published_at, first_seen_at) FROM papers
                WHERE coalesce(published_at, first_seen_at) < @cursor
                ORDER BY coalesce(published_at, first_seen_at) DESC LIMIT 1
                """,
                new { cursor });
            if (newest is not { } time) break;
            var day = DateOnly.FromDateTime(time.UtcDateTime);
            days.Add(day);
            cursor = StartOf(day);
        }
        return days;
    }

    /// <summary>One day's papers, most upvoted first (then newest), at most <paramref name="limit"/>, and how many it has.</summary>
    public PaperDay Day(DateOnly day, int limit)
    {
        using var connection = database.Connect();
        var from = StartOf(day);
        // The last representable day has no next day: its last instant bounds it (a paper at that very millisecond
        // is not shown, which no listing's date reaches).
        var to = day == DateOnly.MaxValue ? DateTimeOffset.MaxValue : StartOf(day.AddDays(1));
        var count = connection.ExecuteScalar<long>(
            """
            SELECT count(*) FROM papers
            WHERE coalesce(published_at, first_seen_at) >= @from AND coalesce(published_at, first_seen_at) < @to
            """,
            new { from, to });
        var papers = connection.Query<ListedPaper>(
            $"""
            SELECT {Columns} FROM papers
            WHERE coalesce(published_at, first_seen_at) >= @from AND coalesce(published_at, first_seen_at) < @to
            ORDER BY coalesce(upvotes, -1) DESC, id DESC
            LIMIT @limit
            """,
            new { from, to, limit }).AsList();
        return new PaperDay(day, (int)count, papers);
    }

    /// <summary>The newest papers by ingest order.</summary>
    public IReadOnlyList<ListedPaper> Latest(int limit)
    {
        using var connection = database.Connect();
        return connection.Query<ListedPaper>($"SELECT {Columns} FROM papers ORDER BY id DESC LIMIT @limit", new { limit }).AsList();
    }

    /// <summary>Papers by id, in the order asked.</summary>
    public IReadOnlyList<ListedPaper> Get(IReadOnlyList<long> ids)
    {
        if (ids.Count == 0) return [];
        using var connection = database.Connect();
        var found = connection.Query<ListedPaper>(
                database.Dialect(sqlite: $"SELECT {Columns} FROM papers WHERE id IN (SELECT value FROM json_each(@ids))", postgres: $"SELECT {Columns} FROM papers WHERE id = ANY(@ids)"),
                new { ids = database.List(ids) })
            .ToDictionary(p => p.Id);
        return ids.Where(found.ContainsKey).Select(id => found[id]).ToList();
    }

    /// <summary>
    /// The ids of the papers in a reader's digests (every ledger row planned for them except failed ones), newest
    /// digest first, each paper once, at most <paramref name="limit"/>.
    /// </summary>
    public IReadOnlyList<long> ReaderPaperIds(long subscriberId, int limit)
    {
        using var connection = database.Connect();
        var ids = new List<long>();
        var seen = new HashSet<long>();
        // Rows come newest first and a digest holds at least one paper, so `limit` rows always fill the feed.
        foreach (var items in connection.Query<string>(
            """
            SELECT COALESCE((SELECT l.items FROM frozen_lists l WHERE l.id = deliveries.items_list), deliveries.items_json)
            FROM deliveries
            WHERE subscriber_id = @subscriberId AND state <> 'failed'
            ORDER BY id DESC
            LIMIT @limit
            """,
            new { subscriberId, limit }))
        {
            foreach (var item in FrozenItems.Read(items))
            {
                if (seen.Add(item.Paper)) ids.Add(item.Paper);
                if (ids.Count == limit) return ids;
            }
        }
        return ids;
    }

    private static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
