using Dapper;
using Newsletter.Storage;

namespace Newsletter.Listings;

/// <summary>The papers table, its categories and sources, and (through triggers) its full-text index.</summary>
public sealed class PaperStore(Database database, TimeProvider clock)
{
    /// <summary>
    /// Merges entries in one transaction: a known arXiv id or normalised title updates the existing paper
    /// (upvotes and missing fields), anything else is inserted with the next sequence number.
    /// </summary>
    public (int New, int Duplicate) Merge(IReadOnlyList<ListingEntry> entries, string source)
    {
        var now = clock.GetUtcNow();
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        int added = 0, duplicates = 0;
        foreach (var entry in entries)
        {
            var normalized = TitleNormalizer.Normalize(entry.Title);
            var existing = connection.QueryFirstOrDefault<long?>(
                """
                SELECT id FROM papers
                WHERE (@arxivId IS NOT NULL AND arxiv_id = @arxivId) OR normalized_title = @normalized
                ORDER BY (arxiv_id = @arxivId) DESC
                LIMIT 1
                """,
                new { arxivId = entry.ArxivId, normalized }, transaction);
            long paperId;
            if (existing is { } id)
            {
                paperId = id;
                duplicates++;
                connection.Execute(
                    """
                    UPDATE papers SET
                        arxiv_id     = COALESCE(arxiv_id, @ArxivId),
                        authors      = CASE WHEN authors = '' THEN @authors ELSE authors END,
                        published_at = COALESCE(published_at, @PublishedAt),
                        upvotes      = CASE WHEN @Upvotes IS NULL THEN upvotes ELSE MAX(COALESCE(upvotes, 0), @Upvotes) END,
                        abs_url      = COALESCE(abs_url, @AbsUrl),
                        pdf_url      = COALESCE(pdf_url, @PdfUrl),
                        hf_url       = COALESCE(hf_url, @HfUrl),
                        github_url   = COALESCE(github_url, @GithubUrl),
                        project_url  = COALESCE(project_url, @ProjectUrl),
                        updated_at   = @now
                    WHERE id = @id
                    """,
                    new
                    {
                        entry.ArxivId, authors = string.Join(", ", entry.Authors), entry.PublishedAt, entry.Upvotes,
                        entry.AbsUrl, entry.PdfUrl, entry.HfUrl, entry.GithubUrl, entry.ProjectUrl, now, id,
                    },
                    transaction);
            }
            else
            {
                added++;
                paperId = connection.ExecuteScalar<long>(
                    """
                    INSERT INTO papers (paper_key, arxiv_id, title, normalized_title, abstract, authors, published_at, upvotes,
                                        abs_url, pdf_url, hf_url, github_url, project_url, first_seen_at, updated_at)
                    VALUES (@key, @ArxivId, @Title, @normalized, @Abstract, @authors, @PublishedAt, @Upvotes,
                            @AbsUrl, @PdfUrl, @HfUrl, @GithubUrl, @ProjectUrl, @now, @now)
                    RETURNING id
                    """,
                    new
                    {
                        key = entry.ArxivId ?? TitleNormalizer.TitleKey(normalized), entry.ArxivId, entry.Title, normalized,
                        entry.Abstract, authors = string.Join(", ", entry.Authors), entry.PublishedAt, entry.Upvotes,
                        entry.AbsUrl, entry.PdfUrl, entry.HfUrl, entry.GithubUrl, entry.ProjectUrl, now,
                    },
                    transaction);
            }
            foreach (var category in entry.Categories)
                connection.Execute("INSERT OR IGNORE INTO paper_categories (paper_id, category) VALUES (@paperId, @category)",
                    new { paperId, category }, transaction);
            connection.Execute("INSERT OR IGNORE INTO paper_sources (paper_id, source) VALUES (@paperId, @source)",
                new { paperId, source }, transaction);
        }
        transaction.Commit();
        return (added, duplicates);
    }

    /// <summary>Papers by id, in the order asked.</summary>
    public IReadOnlyList<Paper> Get(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0) return [];
        using var connection = database.Open();
        var found = connection.Query<Paper>(
            """
            SELECT id, arxiv_id AS ArxivId, title, abstract, authors, published_at AS PublishedAt, upvotes,
                   abs_url AS AbsUrl, pdf_url AS PdfUrl, hf_url AS HfUrl, first_seen_at AS FirstSeenAt
            FROM papers WHERE id IN @ids
            """,
            new { ids }).ToDictionary(p => p.Id);
        return ids.Where(found.ContainsKey).Select(id => found[id]).ToList();
    }

    /// <summary>How many papers are stored.</summary>
    public long Count()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM papers");
    }
}
