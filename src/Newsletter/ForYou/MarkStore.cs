using Dapper;
using Newsletter.Storage;

namespace Newsletter.ForYou;

/// <summary>
/// Readers' marks on papers (table <c>reader_marks</c>): "more like this" / "less like this" from a digest, and
/// "papers I like" named on the preferences page. One mark per reader and paper; the newest replaces the older.
/// </summary>
public sealed class MarkStore(Database database)
{
    /// <summary>"More like this".</summary>
    public const string More = "more";

    /// <summary>"Less like this".</summary>
    public const string Less = "less";

    /// <summary>A mark made through a digest's link.</summary>
    public const string FromDigest = "digest";

    /// <summary>A mark made by naming the paper under "papers I like".</summary>
    public const string FromLiked = "liked";

    /// <summary>Most marks a reader keeps; past it, "papers I like" refuses more (the oldest matter least).</summary>
    public const int MaxMarks = 500;

    /// <summary>Records (or replaces) a reader's mark on a paper.</summary>
    public void Set(long subscriberId, long paperId, string kind, string source, DateTimeOffset now)
    {
        using var connection = database.Connect();
        connection.Execute(
            """
            INSERT INTO reader_marks (subscriber_id, paper_id, kind, source, created_at)
            VALUES (@subscriberId, @paperId, @kind, @source, @now)
            ON CONFLICT (subscriber_id, paper_id) DO UPDATE SET kind = excluded.kind, source = excluded.source, created_at = excluded.created_at
            """,
            new { subscriberId, paperId, kind, source, now });
    }

    /// <summary>Removes a reader's mark on a paper; false when there was none.</summary>
    public bool Remove(long subscriberId, long paperId)
    {
        using var connection = database.Connect();
        return connection.Execute(
            "DELETE FROM reader_marks WHERE subscriber_id = @subscriberId AND paper_id = @paperId",
            new { subscriberId, paperId }) > 0;
    }

    /// <summary>Removes every mark of a reader; returns how many there were.</summary>
    public int Reset(long subscriberId)
    {
        using var connection = database.Connect();
        return connection.Execute("DELETE FROM reader_marks WHERE subscriber_id = @subscriberId", new { subscriberId });
    }

    /// <summary>The reader's mark on a paper ("more" or "less"), or null.</summary>
    public string? Find(long subscriberId, long paperId)
    {
        using var connection = database.Connect();
        return connection.QuerySingleOrDefault<string>(
            "SELECT kind FROM reader_marks WHERE subscriber_id = @subscriberId AND paper_id = @paperId",
            new { subscriberId, paperId });
    }

    /// <summary>How many marks the reader has.</summary>
    public int Count(long subscriberId)
    {
        using var connection = database.Connect();
        return connection.ExecuteScalar<int>("SELECT COUNT(*) FROM reader_marks WHERE subscriber_id = @subscriberId", new { subscriberId });
    }

    /// <summary>Every mark of a reader with the paper's title, newest first.</summary>
    public IReadOnlyList<ReaderMark> ForReader(long subscriberId)
    {
        using var connection = database.Connect();
        return connection.Query<ReaderMark>(
            """
            SELECT m.paper_id AS PaperId, p.title AS Title, p.arxiv_id AS ArxivId, m.kind AS Kind, m.source AS Source,
                   m.created_at AS CreatedAt
            FROM reader_marks m JOIN papers p ON p.id = m.paper_id
            WHERE m.subscriber_id = @subscriberId
            ORDER BY m.created_at DESC, m.paper_id DESC
            """,
            new { subscriberId }).ToList();
    }

    /// <summary>Every mark of a reader with the paper's text, newest first: what the taste model learns from.</summary>
    public IReadOnlyList<MarkedPaper> Learnable(long subscriberId)
    {
        using var connection = database.Connect();
        return connection.Query<(long PaperId, string Title, string Abstract, string Kind)>(
            """
            SELECT m.paper_id, p.title, p.abstract, m.kind
            FROM reader_marks m JOIN papers p ON p.id = m.paper_id
            WHERE m.subscriber_id = @subscriberId
            ORDER BY m.created_at DESC, m.paper_id DESC
            """,
            new { subscriberId }).Select(m => new MarkedPaper(m.PaperId, m.Title, m.Abstract, m.Kind == More)).ToList();
    }

    /// <summary>The stored paper with that arXiv id (without version), or null.</summary>
    public long? PaperByArxivId(string arxivId)
    {
        using var connection = database.Connect();
        return connection.QuerySingleOrDefault<long?>("SELECT id FROM papers WHERE arxiv_id = @arxivId", new { arxivId });
    }
}
