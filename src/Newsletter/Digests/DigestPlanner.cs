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
/// Each distinct filter runs once per run over the run's window of new papers; readers, streamed in pages, only
/// merge their filters' results. Running it twice for the same time plans nothing new.
/// </summary>
public sealed class DigestPlanner(
    Database database,
    DeliveryStore deliveries,
    TopicCatalog topics,
    Mailer mailer,
    IOptions<DigestOptions> options,
    ILogger<DigestPlanner> logger)
{
    private const int PageSize = 2000;

    /// <summary>Plans every digest due at or before <paramref name="at"/>; returns how many ledger rows it created.</summary>
    public int PlanDue(DateTimeOffset at) => Run(at).Planned;

    /// <summary>
    /// Plans every digest due at or before <paramref name="at"/>. With <paramref name="dryRun"/> nothing is written;
    /// <paramref name="onDigest"/> sees each reader's digest either way (empty ones included).
    /// </summary>
    public PlanRun Run(DateTimeOffset at, bool dryRun = false, Action<Subscriber, PlannedDigest>? onDigest = null)
    {
        using var connection = database.Open();
        var high = connection.ExecuteScalar<long?>("SELECT MAX(id) FROM papers") ?? 0;
        var low = WindowStart(connection, at);
        using var matcher = new WindowMatcher(connection, low, high, topics, logger);
        int readers = 0, planned = 0, empty = 0;
        long after = 0;
        while (true)
        {
            var page = DuePage(connection, at, after);
            if (page.Count == 0) break;
            after = page[^1].Id;
            var filters = FiltersOf(connection, page[0].Id, page[^1].Id);
            var digests = new List<PlannedDigest>(page.Count);
            foreach (var reader in page)
            {
                var digest = Plan(reader, filters.GetValueOrDefault(reader.Id, []), matcher, at);
                onDigest?.Invoke(reader, digest);
                if (digest.Items.Count == 0) empty++;
                digests.Add(digest);
            }
            if (dryRun)
            {
                readers += digests.Count;
                planned += digests.Count(d => d.Items.Count > 0 || options.Value.SendEmpty);
            }
            else
            {
                planned += deliveries.Plan(digests, mailer.Domain, options.Value.SendEmpty, at, out var advanced);
                readers += advanced;
            }
        }
        return new PlanRun(readers, planned, empty, matcher.DistinctFilters, matcher.QueriesRun, matcher.Papers.Count);
    }

    /// <summary>The digest <paramref name="reader"/> would get if it were planned at <paramref name="at"/>; changes nothing.</summary>
    public PlannedDigest Preview(Subscriber reader, IReadOnlyList<SubscriberFilter> filters, DateTimeOffset at)
    {
        using var connection = database.Open();
        var high = connection.ExecuteScalar<long?>("SELECT MAX(id) FROM papers") ?? 0;
        var low = reader.LastSeq ?? FirstSeqAfter(connection, FirstDigestCutoff(reader)) ;
        using var matcher = new WindowMatcher(connection, low, high, topics, logger);
        var due = reader.NextDueAt ?? DigestSchedule.NextDue(reader, at);
        return Plan(reader with { NextDueAt = due }, filters, matcher, due > at ? due : at);
    }

    private PlannedDigest Plan(Subscriber reader, IReadOnlyList<SubscriberFilter> filters, WindowMatcher matcher, DateTimeOffset at)
    {
        var dueAt = reader.NextDueAt!.Value;
        var period = DigestSchedule.Period(reader);
        Func<long, bool> isNew;
        DateTimeOffset windowFrom;
        if (reader.LastSeq is { } lastSeq)
        {
            isNew = paper => paper > lastSeq;
            // The previous digest was due one period before this one (or earlier, after downtime: then this digest
            // covers everything since, and the header still reads from its own period's start).
            windowFrom = dueAt - period;
        }
        else
        {
            var cutoff = FirstDigestCutoff(reader);
            isNew = paper => matcher.Papers.TryGetValue(paper, out var p) && p.FirstSeenAt > cutoff;
            windowFrom = cutoff;
        }
        var results = filters.Select(matcher.Get).Where(r => r.Hits.Length > 0).ToList();
        var items = results.Count == 0 ? [] : Ranking.Top(results, isNew, options.Value.MaxPapers, matcher.Scratch);
        return new PlannedDigest(
            reader.Id,
            DigestSchedule.PeriodKey(reader, dueAt),
            windowFrom,
            at,
            items,
            Math.Max(matcher.High, reader.LastSeq ?? 0),
            dueAt,
            DigestSchedule.NextDue(reader, at));
    }

    /// <summary>A first digest covers papers first seen after confirming minus one period, so it is not empty.</summary>
    private static DateTimeOffset FirstDigestCutoff(Subscriber reader) =>
        (reader.ConfirmedAt ?? reader.CreatedAt) - DigestSchedule.Period(reader);

    /// <summary>The run's window starts after the oldest paper any due reader still needs.</summary>
    private static long WindowStart(SqliteConnection connection, DateTimeOffset at)
    {
        var bounds = connection.QuerySingle<(long? MinLastSeq, DateTimeOffset? FirstConfirmed)>(
            """
            SELECT MIN(last_seq), MIN(CASE WHEN last_seq IS NULL THEN COALESCE(confirmed_at, created_at) END)
            FROM subscribers
            WHERE state = 'confirmed' AND next_due_at <= @at
            """,
            new { at });
        var low = bounds.MinLastSeq ?? long.MaxValue;
        if (bounds.FirstConfirmed is { } confirmed)
            low = Math.Min(low, FirstSeqAfter(connection, confirmed - TimeSpan.FromDays(7)));
        return low == long.MaxValue ? 0 : low;
    }

    /// <summary>The id just before the first paper first seen after <paramref name="cutoff"/>.</summary>
    private static long FirstSeqAfter(SqliteConnection connection, DateTimeOffset cutoff) =>
        (connection.ExecuteScalar<long?>("SELECT MIN(id) FROM papers WHERE first_seen_at > @cutoff", new { cutoff }) ?? long.MaxValue) - 1;

    private static List<Subscriber> DuePage(SqliteConnection connection, DateTimeOffset at, long after) =>
        connection.Query<Subscriber>(
            """
            SELECT id, email, state, frequency, weekday, hour, timezone, created_at AS CreatedAt, confirmed_at AS ConfirmedAt,
                   last_seq AS LastSeq, next_due_at AS NextDueAt
            FROM subscribers
            WHERE state = 'confirmed' AND next_due_at <= @at AND id > @after
            ORDER BY id
            LIMIT @PageSize
            """,
            new { at, after, PageSize }).ToList();

    private static Dictionary<long, List<SubscriberFilter>> FiltersOf(SqliteConnection connection, long first, long last)
    {
        var filters = new Dictionary<long, List<SubscriberFilter>>();
        foreach (var row in connection.Query<(long SubscriberId, string Kind, string Value)>(
                     "SELECT subscriber_id, kind, value FROM subscriber_filters WHERE subscriber_id BETWEEN @first AND @last",
                     new { first, last }))
        {
            if (!filters.TryGetValue(row.SubscriberId, out var list)) filters[row.SubscriberId] = list = [];
            list.Add(new SubscriberFilter(row.Kind, row.Value));
        }
        return filters;
    }
}
