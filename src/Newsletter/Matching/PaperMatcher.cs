using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Newsletter.Storage;

namespace Newsletter.Matching;

/// <summary>
/// Matches a set of filters against the recent papers, ranked exactly as a digest is (through
/// <see cref="WindowMatcher"/> and <see cref="Ranking"/>, the planner's own), so a reader's preview is their digest.
/// </summary>
public sealed class PaperMatcher(Database database, TopicCatalog topics, IOptions<QueryOptions> queries, TimeProvider clock,
    ILogger<PaperMatcher> logger)
{
    /// <summary>
    /// What <paramref name="filters"/> match among the papers first seen after <paramref name="since"/>: how many, and
    /// the first <paramref name="max"/> in <paramref name="order"/>, ranked exactly as a digest is (a reader's preview
    /// is their digest). The queries share one request budget; throws <see cref="QueryBudgetSpentException"/> when it
    /// is spent and <see cref="OperationCanceledException"/> when <paramref name="aborted"/> fires.
    /// </summary>
    public (int Count, IReadOnlyList<DigestItem> Items) Matches(
        IReadOnlyList<SubscriberFilter> filters, DateTimeOffset since, int max, DigestOrder order, CancellationToken aborted)
    {
        using var connection = database.Open();
        var high = connection.ExecuteScalar<long?>("SELECT MAX(id) FROM papers") ?? 0;
        var low = Math.Min(FirstSeqAfter(connection, since), high);
        using var matcher = new WindowMatcher(connection, low, high, topics, queries.Value, clock, logger, aborted);
        var results = filters.Select(matcher.Get).ToArray();
        var isNew = NewPapers.SeenAfter(since, matcher.Papers);
        var matched = new HashSet<long>();
        foreach (var result in results)
        {
            for (var i = 0; i < result.Count; i++)
            {
                if (isNew.Contains(result.At(i).Paper)) matched.Add(result.At(i).Paper);
            }
        }
        return (matched.Count, Ranking.Top(results, isNew, max, order, matcher.Scratch));
    }

    /// <summary>The id just before the first paper first seen after <paramref name="cutoff"/>.</summary>
    internal static long FirstSeqAfter(SqliteConnection connection, DateTimeOffset cutoff) =>
        (connection.ExecuteScalar<long?>("SELECT MIN(id) FROM papers WHERE first_seen_at > @cutoff", new { cutoff }) ?? long.MaxValue) - 1;
}
