using System.Globalization;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Options;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Listings;
using Scriban.Runtime;
using Newsletter.Matching;
using Newsletter.Storage;

namespace Newsletter.Admin;

/// <summary>Gathers the numbers of <c>/admin</c> into the page's model: counts, charts, tables and warnings.</summary>
public sealed class AdminOverview(
    AdminStatsStore stats,
    SourceRunStore sourceRuns,
    DigestRunStore digestRuns,
    TopicCatalog topics,
    PreviewWindows windows,
    IOptions<IngestOptions> ingest,
    IOptions<StorageOptions> storage,
    IOptions<DeliveryOptions> delivery,
    BackupStore backups,
    IServiceProvider services,
    TimeProvider clock)
{
    /// <summary>Reader states in the order the page lists them.</summary>
    public static readonly string[] ReaderStates = ["pending", "confirmed", "unsubscribed", "suppressed"];

    /// <summary>Ledger states the digests chart draws.</summary>
    public static readonly string[] DigestStates = ["sent", "retry", "failed", "unknown"];

    /// <summary>Complaint rates of the bulk-sender rules: the rate to stay under, and the one never to reach.</summary>
    public const double ComplaintAim = 0.001, ComplaintCeiling = 0.003;

    /// <summary>A bounce rate above this on a day is flagged: lists that bounce more than a few percent are stale.</summary>
    public const double BounceWarning = 0.02;

    /// <summary>The page's model over the last <paramref name="days"/> UTC days, today included.</summary>
    public ScriptObject Build(int days)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var dayList = Enumerable.Range(0, days).Select(i => Day(today.AddDays(i - days + 1))).ToList();
        var from = dayList[0];

        var states = stats.ReaderStates();
        var readerDays = stats.ReaderDays(from);
        var deliveryDays = stats.DeliveryDays(from);
        var bounceDays = stats.BounceDays(from);
        var paperDays = stats.PaperDays(from);

        var sent = Values(dayList, deliveryDays, "sent");
        var bounces = Values(dayList, bounceDays, "bounce");
        var complaints = Values(dayList, bounceDays, "complaint");
        var bounceRate = dayList.Select((_, i) => Rate(bounces[i], sent[i] + bounces[i])).ToList();
        var complaintRate = dayList.Select((_, i) => Rate(complaints[i], sent[i])).ToList();

        var sources = paperDays.Select(d => d.Series).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var palette = new[] { "s1", "s2", "s3", "s4", "s5" };
        return new ScriptObject
        {
            ["days"] = days,
            ["other_days"] = days == 30 ? 90 : 30,
            ["generated_at"] = Time(clock.GetUtcNow()),
            ["reader_states"] = ReaderStates.Select(s => new ScriptObject { ["state"] = s, ["count"] = Number(states.GetValueOrDefault(s)) }).ToList(),
            ["readers_chart"] = SvgChart.Lines("readers-chart", $"Reader events per day, last {days} days", "Readers", dayList,
            [
                new("Sign-ups", "s1", Values(dayList, readerDays, "signups")),
                new("Confirmations", "s2", Values(dayList, readerDays, "confirmations")),
                new("Unsubscribes", "s3", Values(dayList, readerDays, "unsubscribes")),
                new("Suppressions", "s4", Values(dayList, readerDays, "suppressions")),
            ]),
            ["digests_chart"] = SvgChart.Lines("digests-chart", $"Digests per planning day by state, last {days} days", "Digests", dayList,
                DigestStates.Select((s, i) => new ChartSeries(Capitalised(s), palette[i], Values(dayList, deliveryDays, s))).ToList()),
            ["last_run"] = LastRun(),
            ["kept"] = delivery.Value.KeepDays == 0
                ? "Every ledger row is kept (Delivery:KeepDays is 0)."
                : $"Finished ledger rows (sent, failed, unknown) are kept {delivery.Value.KeepDays} days after planning, then deleted with their papers (Delivery:KeepDays); the counts cover what is kept.",
            ["rates_chart"] = SvgChart.Lines("rates-chart", $"Bounce and complaint rates per day, last {days} days", "Rate", dayList,
                [new("Bounce rate", "s3", bounceRate), new("Complaint rate", "s5", complaintRate)], percent: true,
                [(ComplaintAim, "0.1% complaint aim"), (ComplaintCeiling, "0.3% complaint ceiling")]),
            ["rate_warnings"] = RateWarnings(dayList, bounceRate, complaintRate),
            ["papers_chart"] = SvgChart.Lines("papers-chart", $"Papers first seen per day by source, last {days} days", "Papers", dayList,
                sources.Select((s, i) => new ChartSeries(s, palette[i % palette.Length], Values(dayList, paperDays, s))).ToList()),
            ["papers_total"] = Number(stats.Papers()),
            ["sources"] = Sources(),
            ["topics"] = Topics(),
            ["jobs"] = RecurringJobs(),
            ["backup"] = backups.Last() is { } last
                ? new ScriptObject { ["taken_at"] = Time(last.TakenAt), ["size"] = Size(last.Bytes), ["path"] = last.Path }
                : null,
            ["backup_schedule"] = string.IsNullOrWhiteSpace(storage.Value.BackupCron)
                ? "No scheduled backup (Storage:BackupCron is empty)."
                : $"Scheduled: {storage.Value.BackupCron} (UTC) into {storage.Value.BackupDirectory}, the newest {storage.Value.BackupKeep} kept.",
        };
    }

    private ScriptObject? LastRun()
    {
        if (digestRuns.Last() is not { } run) return null;
        return new ScriptObject
        {
            ["started_at"] = Time(run.StartedAt),
            ["readers"] = Number(run.Readers),
            ["planned"] = Number(run.Planned),
            ["empty"] = Number(run.Empty),
            ["sent"] = Number(run.Sent),
            ["took"] = Duration(run.PlanMs + run.SendMs),
            ["plan"] = Duration(run.PlanMs),
            ["send"] = Duration(run.SendMs),
        };
    }

    private static List<string> RateWarnings(List<string> days, List<double> bounceRate, List<double> complaintRate)
    {
        var warnings = new List<string>();
        for (var i = days.Count - 1; i >= 0; i--)
        {
            if (complaintRate[i] >= ComplaintCeiling)
                warnings.Add($"{days[i]}: complaint rate {SvgChart.Percent(complaintRate[i])} reached the 0.3% ceiling; mailbox providers block senders above it.");
            else if (complaintRate[i] > ComplaintAim)
                warnings.Add($"{days[i]}: complaint rate {SvgChart.Percent(complaintRate[i])} is above the 0.1% aim.");
            if (bounceRate[i] > BounceWarning)
                warnings.Add($"{days[i]}: bounce rate {SvgChart.Percent(bounceRate[i])} is above {SvgChart.Percent(BounceWarning)}.");
        }
        return warnings;
    }

    private List<ScriptObject> Sources()
    {
        var runs = sourceRuns.All().ToDictionary(r => r.Source, StringComparer.Ordinal);
        var configured = ingest.Value.Sources.Select(s => string.IsNullOrWhiteSpace(s.Name) ? s.Url : s.Name).ToList();
        // Configured sources first, in their order; then any that ran before but are no longer configured.
        var names = configured.Concat(runs.Keys.Order(StringComparer.Ordinal)).Distinct(StringComparer.Ordinal);
        return names.Select(name =>
        {
            var run = runs.GetValueOrDefault(name);
            return new ScriptObject
            {
                ["name"] = name,
                ["configured"] = configured.Contains(name),
                ["ran"] = run is not null,
                ["ran_at"] = run is null ? "" : Time(run.RanAt),
                ["status"] = run is null ? "never run" : run.Failure is null ? "ok" : run.DaysRead > 0 ? "partly read" : "failed",
                ["ok"] = run is { Failure: null },
                ["new"] = run?.New ?? 0,
                ["duplicate"] = run?.Duplicate ?? 0,
                ["rejected"] = run?.Rejected ?? 0,
                ["error"] = run?.Failure ?? "",
                ["last_ok_at"] = run?.LastOkAt is { } ok ? Time(ok) : "",
            };
        }).ToList();
    }

    private List<ScriptObject> Topics()
    {
        var readers = stats.TopicReaders();
        var matched = TopicMatches();
        return topics.All.Select(t => new ScriptObject
        {
            ["name"] = t.Name,
            ["slug"] = t.Slug,
            ["readers"] = Number(readers.GetValueOrDefault(t.Slug)),
            ["matched"] = Number(matched.GetValueOrDefault(t.Slug)),
        }).ToList();
    }

    // The per-topic counts are ~22 full-text queries (most of a request's cost over a large index), and they change
    // only when a paper is added or changed or the 7-day window moves past one: kept until either happens. On SQLite
    // they ask papers_fts; PostgreSQL has no full-text table, so there they go through the one matcher, over the
    // in-memory index of the week's papers that previews share (building it for a cold overview costs more than
    // the 22 queries on SQLite's standing index, so SQLite keeps them).
    private readonly Lock _topicMatchesLock = new();
    private (long Version, long? Low, IReadOnlyDictionary<string, long> Counts)? _topicMatches;

    private IReadOnlyDictionary<string, long> TopicMatches()
    {
        var since = clock.GetUtcNow().AddDays(-7);
        var (version, low) = stats.TopicWindow(since);
        lock (_topicMatchesLock)
        {
            if (_topicMatches is { } kept && kept.Version == version && kept.Low == low) return kept.Counts;
        }
        var counts = storage.Value.Provider != StorageProviders.Postgres
            ? stats.TopicMatches(topics.All.Select(t => (t.Slug, t.Query)), low)
            : topics.All.ToDictionary(
                t => t.Slug,
                t => low is null ? 0L : windows.Matches([SubscriberFilter.ForTopic(t.Slug)], since, 1, DigestOrder.Relevance, CancellationToken.None).Count,
                StringComparer.OrdinalIgnoreCase);
        lock (_topicMatchesLock) _topicMatches = (version, low, counts);
        return counts;
    }

    private List<ScriptObject> RecurringJobs()
    {
        // Hangfire's storage is there whenever the jobs are configured; the page still renders without it.
        if (services.GetService(typeof(JobStorage)) is not JobStorage storage) return [];
        using var connection = storage.GetConnection();
        return connection.GetRecurringJobs().OrderBy(j => j.NextExecution ?? DateTime.MaxValue).Select(j => new ScriptObject
        {
            ["id"] = j.Id,
            ["cron"] = j.Cron,
            ["next"] = j.NextExecution is { } next ? Time(new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc))) : "not scheduled",
            ["last"] = j.LastExecution is { } last ? Time(new DateTimeOffset(DateTime.SpecifyKind(last, DateTimeKind.Utc))) : "never",
            ["last_state"] = j.LastJobState ?? "",
        }).ToList();
    }

    private static List<double> Values(List<string> days, IReadOnlyList<DayCount> counts, string series)
    {
        var byDay = counts.Where(c => c.Series == series).ToDictionary(c => c.Day, c => (double)c.Count, StringComparer.Ordinal);
        return days.Select(d => byDay.GetValueOrDefault(d)).ToList();
    }

    private static double Rate(double part, double whole) => whole <= 0 ? 0 : part / whole;
    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
    private static string Number(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);
    private static string Size(long bytes) => bytes switch
    {
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0 'KiB'", CultureInfo.InvariantCulture),
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.0 'MiB'", CultureInfo.InvariantCulture),
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("0.00 'GiB'", CultureInfo.InvariantCulture),
    };
    private static string Capitalised(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    private static string Duration(long ms) =>
        ms < 1000 ? $"{ms} ms" : (ms / 1000.0).ToString(ms < 60_000 ? "0.0 's'" : "#,0 's'", CultureInfo.InvariantCulture);
}
