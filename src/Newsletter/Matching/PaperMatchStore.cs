using Dapper;
using Microsoft.Data.Sqlite;
using Newsletter.Storage;

namespace Newsletter.Matching;

/// <summary>
/// The SQL of matching: where a window of papers starts and ends, what ranking needs of each paper in it, and a
/// filter's full-text matches in it, scored by bm25 over the whole history (so a paper's score for a filter is the
/// same whatever window it is matched in, and a reader's preview ranks as their digest does). One instance per
/// connection and window; the static methods read the bounds before there is a window.
/// </summary>
internal sealed class PaperMatchStore : IDisposable
{
    // bm25 column weights for (title, abstract, authors): a word in the title says far more about a paper than one
    // in its abstract; author names count like the abstract so author keywords work.
    private const string Bm25 = "bm25(papers_fts, 5.0, 1.0, 1.0)";

    private readonly SqliteCommand _match;

    public PaperMatchStore(SqliteConnection connection, long low, long high)
    {
        // Prepared once per window and run once per distinct filter: a planning run runs thousands.
        _match = connection.CreateCommand();
        _match.CommandText = $"""
            SELECT rowid, {Bm25} FROM papers_fts
            WHERE papers_fts MATCH $query AND rowid > $low AND rowid <= $high
            """;
        _match.Parameters.AddWithValue("$low", low);
        _match.Parameters.AddWithValue("$high", high);
        _match.Parameters.Add("$query", SqliteType.Text);
    }

    /// <summary>
    /// Adds each paper of the window that <paramref name="query"/> (FTS5 syntax) matches to <paramref name="hits"/>,
    /// with its relevance (bm25 flipped: higher is better) and its upvotes from <paramref name="papers"/>.
    /// </summary>
    public void Match(string query, IReadOnlyDictionary<long, WindowPaper> papers, List<FilterHit> hits)
    {
        _match.Parameters["$query"].Value = query;
        using var reader = _match.ExecuteReader();
        while (reader.Read())
        {
            var paper = reader.GetInt64(0);
            hits.Add(new FilterHit(paper, -reader.GetDouble(1), papers.TryGetValue(paper, out var p) ? p.Upvotes ?? 0 : 0));
        }
    }

    /// <summary>The newest paper's id (0 when there is none).</summary>
    public static long LatestPaper(SqliteConnection connection) =>
        connection.ExecuteScalar<long?>("SELECT MAX(id) FROM papers") ?? 0;

    /// <summary>
    /// In one snapshot: the newest paper's id, the id just before the first paper first seen after
    /// <paramref name="cutoff"/> (capped at the newest), and the number that moves whenever any paper changes.
    /// </summary>
    public static (long Low, long High, long Version) Bounds(SqliteConnection connection, DateTimeOffset cutoff)
    {
        var (high, first, version) = connection.QuerySingle<(long? High, long? First, long Version)>(
            """
            SELECT (SELECT MAX(id) FROM papers),
                   (SELECT MIN(id) FROM papers WHERE first_seen_at > @cutoff),
                   (SELECT version FROM paper_changes)
            """,
            new { cutoff });
        var latest = high ?? 0;
        return (first is { } id ? Math.Min(id - 1, latest) : latest, latest, version);
    }

    /// <summary>The id just before the first paper first seen after <paramref name="cutoff"/>.</summary>
    public static long LastPaperBefore(SqliteConnection connection, DateTimeOffset cutoff) =>
        (connection.ExecuteScalar<long?>("SELECT MIN(id) FROM papers WHERE first_seen_at > @cutoff", new { cutoff }) ?? long.MaxValue) - 1;

    /// <summary>Every paper with an id in (<paramref name="low"/>, <paramref name="high"/>]: its upvotes and when it was first seen.</summary>
    public static Dictionary<long, WindowPaper> WindowPapers(SqliteConnection connection, long low, long high)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, upvotes, first_seen_at FROM papers WHERE id > $low AND id <= $high";
        command.Parameters.AddWithValue("$low", low);
        command.Parameters.AddWithValue("$high", high);
        var papers = new Dictionary<long, WindowPaper>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            papers[reader.GetInt64(0)] = new WindowPaper(reader.IsDBNull(1) ? null : reader.GetInt32(1), UtcTimestampHandler.FromText(reader.GetString(2)));
        return papers;
    }

    public void Dispose() => _match.Dispose();
}
