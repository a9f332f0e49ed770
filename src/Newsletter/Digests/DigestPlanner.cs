using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Newsletter.Delivery;
using Newsletter.Mail;
using Newsletter.Storage;
using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>
/// Decides, for every reader whose digest is due, which papers it holds, and freezes that into the ledger.
/// Running it twice for the same time plans nothing new.
/// </summary>
public sealed class DigestPlanner(
    Database database,
    SubscriberStore subscribers,
    DeliveryStore deliveries,
    TopicCatalog topics,
    Mailer mailer,
    IOptions<DigestOptions> options,
    ILogger<DigestPlanner> logger)
{
    /// <summary>Plans every digest due at or before <paramref name="at"/>; returns how many ledger rows it created.</summary>
    public int PlanDue(DateTimeOffset at)
    {
        var created = 0;
        foreach (var reader in DueReaders(at))
        {
            var filters = subscribers.Filters(reader.Id);
            var period = DigestSchedule.Period(reader);
            var windowFrom = reader.LastSeq is null ? reader.ConfirmedAt!.Value - period : reader.NextDueAt!.Value - period;
            var (items, maxSeq) = Match(reader, filters, windowFrom);
            var dueAt = reader.NextDueAt!.Value;
            var digest = new PlannedDigest(
                reader.Id,
                DigestSchedule.PeriodKey(reader, dueAt),
                windowFrom,
                at,
                items,
                Math.Max(maxSeq, reader.LastSeq ?? 0),
                dueAt,
                DigestSchedule.NextDue(reader, at));
            var createRow = items.Count > 0 || options.Value.SendEmpty;
            if (deliveries.Plan(digest, mailer.Domain, createRow, at) && createRow) created++;
        }
        return created;
    }

    private List<Subscriber> DueReaders(DateTimeOffset at)
    {
        using var connection = database.Open();
        return connection.Query<Subscriber>(
            """
            SELECT id, email, state, frequency, weekday, hour, timezone, created_at AS CreatedAt, confirmed_at AS ConfirmedAt,
                   last_seq AS LastSeq, next_due_at AS NextDueAt
            FROM subscribers
            WHERE state = 'confirmed' AND next_due_at <= @at
            ORDER BY id
            """,
            new { at }).ToList();
    }

    private (IReadOnlyList<DigestItem> Items, long MaxSeq) Match(Subscriber reader, IReadOnlyList<SubscriberFilter> filters, DateTimeOffset windowFrom)
    {
        using var connection = database.Open();
        var maxSeq = connection.ExecuteScalar<long?>("SELECT MAX(id) FROM papers") ?? 0;
        var hits = new Dictionary<long, (double Score, List<string> Labels)>();
        foreach (var filter in filters)
        {
            var (label, query) = filter.Kind == SubscriberFilter.Topic
                ? (filter.Value, topics.Find(filter.Value)?.Query)
                : (filter.Value, filter.Value);
            if (string.IsNullOrWhiteSpace(query)) continue;
            IEnumerable<(long Id, double Score)> rows;
            try
            {
                // bm25 is lower for better matches; the title counts ten times the abstract.
                rows = connection.Query<(long, double)>(
                    """
                    SELECT p.id, bm25(papers_fts, 10.0, 1.0, 2.0)
                    FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid
                    WHERE papers_fts MATCH @query
                      AND p.id <= @maxSeq
                      AND (CASE WHEN @lastSeq IS NULL THEN p.first_seen_at > @windowFrom ELSE p.id > @lastSeq END)
                    """,
                    new { query, maxSeq, lastSeq = reader.LastSeq, windowFrom }).ToList();
            }
            catch (SqliteException e)
            {
                logger.LogWarning("Subscriber {Id}: filter '{Query}' is not a valid query: {Message}", reader.Id, query, e.Message);
                continue;
            }
            foreach (var (id, score) in rows)
            {
                if (hits.TryGetValue(id, out var hit))
                {
                    hit.Labels.Add(label);
                    if (score < hit.Score) hits[id] = (score, hit.Labels);
                }
                else
                {
                    hits[id] = (score, [label]);
                }
            }
        }
        var items = hits
            .OrderBy(h => h.Value.Score).ThenBy(h => h.Key)
            .Take(options.Value.MaxPapers)
            .Select(h => new DigestItem(h.Key, h.Value.Labels, -h.Value.Score))
            .ToList();
        return (items, maxSeq);
    }
}
