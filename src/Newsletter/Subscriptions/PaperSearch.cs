using Dapper;
using Microsoft.Data.Sqlite;
using Newsletter.Digests;
using Newsletter.Storage;

namespace Newsletter.Subscriptions;

/// <summary>
/// Full-text queries for readers: checks that a keyword is a valid FTS5 query and previews what a set of filters
/// would have delivered recently.
/// </summary>
public sealed class PaperSearch(Database database, TopicCatalog topics)
{
    /// <summary>True when SQLite accepts the text as an FTS5 query; otherwise false with SQLite's reason.</summary>
    public bool IsValidQuery(string query, out string? problem)
    {
        problem = null;
        using var connection = database.Open();
        try
        {
            // The expression is parsed even when no row matches, so this costs one index probe at most.
            connection.Query<long>("SELECT rowid FROM papers_fts WHERE papers_fts MATCH @query LIMIT 1", new { query }).AsList();
            return true;
        }
        catch (SqliteException e)
        {
            problem = e.Message;
            return false;
        }
    }

    /// <summary>
    /// The papers first seen after <paramref name="since"/> that the topics or keywords match, best first: each
    /// filter runs once as an FTS5 MATCH ranked by bm25 (title weighted highest), as the digest planner does.
    /// </summary>
    public PreviewResult Preview(IReadOnlyList<string> topicSlugs, IReadOnlyList<string> keywords, DateTimeOffset since, int maxPapers)
    {
        var filters = topicSlugs.Select(slug => (Label: topics.Find(slug)?.Name ?? slug, Query: topics.Find(slug)?.Query))
            .Concat(keywords.Select(k => (Label: k, Query: (string?)k)))
            .Where(f => !string.IsNullOrWhiteSpace(f.Query));
        var hits = new Dictionary<long, PreviewHit>();
        using var connection = database.Open();
        foreach (var (label, query) in filters)
        {
            List<PreviewRow> rows;
            try
            {
                rows = connection.Query<PreviewRow>(
                    """
                    SELECT p.id AS Id, p.title AS Title, coalesce(p.abs_url, p.hf_url) AS Url, bm25(papers_fts, 10.0, 1.0, 2.0) AS Score
                    FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid
                    WHERE papers_fts MATCH @query AND p.first_seen_at > @since
                    """,
                    new { query, since }).AsList();
            }
            catch (SqliteException)
            {
                continue; // callers validate keywords first; a catalog query SQLite rejects simply matches nothing here
            }
            foreach (var row in rows)
            {
                if (hits.TryGetValue(row.Id, out var hit))
                {
                    hit.Labels.Add(label);
                    hit.Score = Math.Min(hit.Score, row.Score);
                }
                else
                {
                    hits[row.Id] = new PreviewHit(row.Title, row.Url, row.Score, [label]);
                }
            }
        }
        var papers = hits.OrderBy(h => h.Value.Score).ThenByDescending(h => h.Key).Take(maxPapers)
            .Select(h => new PreviewPaper(h.Value.Title, h.Value.Url, h.Value.Labels) { PaperId = h.Key })
            .ToList();
        return new PreviewResult(hits.Count, since, papers);
    }

    private sealed class PreviewRow
    {
        public long Id { get; init; }
        public string Title { get; init; } = "";
        public string? Url { get; init; }
        public double Score { get; init; }
    }

    private sealed class PreviewHit(string title, string? url, double score, List<string> labels)
    {
        public string Title { get; } = title;
        public string? Url { get; } = url;
        public double Score { get; set; } = score;
        public List<string> Labels { get; } = labels;
    }
}
