using Dapper;
using System.Data.Common;

namespace Newsletter.Matching;

/// <summary>
/// Where a window of papers starts and ends in the main database (the matching itself runs in the window's own index,
/// <see cref="WindowIndexStore"/>). Portable SQL: the same on either provider.
/// </summary>
internal static class PaperMatchStore
{
    /// <summary>The newest paper's id (0 when there is none).</summary>
    public static long LatestPaper(DbConnection connection) =>
        connection.ExecuteScalar<long?>("SELECT MAX(id) FROM papers") ?? 0;

    /// <summary>
    /// In one snapshot: the newest paper's id, the id just before the first paper first seen after
    /// <paramref name="cutoff"/> (capped at the newest), and the number that moves whenever any paper changes.
    /// </summary>
    public static (long Low, long High, long Version) Bounds(DbConnection connection, DateTimeOffset cutoff)
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
    public static long LastPaperBefore(DbConnection connection, DateTimeOffset cutoff) =>
        (connection.ExecuteScalar<long?>("SELECT MIN(id) FROM papers WHERE first_seen_at > @cutoff", new { cutoff }) ?? long.MaxValue) - 1;
}
