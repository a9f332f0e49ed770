using System.Data.Common;
using Microsoft.Extensions.Options;
using Newsletter.ForYou;
using Newsletter.Mail;
using Newsletter.Matching;
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
    IOptions<QueryOptions> queries,
    TasteModelStore tastes,
    TimeProvider clock,
    ILogger<DigestPlanner> logger)
{
    private const int PageSize = 2000;
    // Pages handed to the writer and not yet written, at most.
    private const int PagesWaiting = 2;
    // Ranked digests are marked and numbered this many at a time, not a page at a time: nine in ten repeat a list and
    // let their items go then, so a collection in the middle of a page finds a quarter of its items alive, not all
    // of them (BENCHMARKS, "eighth round").
    private const int SettleEvery = 500;

    /// <summary>Plans every digest due at or before <paramref name="at"/>; returns how many ledger rows it created.</summary>
    public int PlanDue(DateTimeOffset at) => Run(at).Planned;

    /// <summary>
    /// Plans every digest due at or before <paramref name="at"/>. With <paramref name="dryRun"/> nothing is written;
    /// <paramref name="onDigest"/> sees each reader's digest either way (empty ones included).
    /// </summary>
    public PlanRun Run(DateTimeOffset at, bool dryRun = false, Action<DueReader, PlannedDigest>? onDigest = null)
    {
        using var connection = database.Connect();
        var high = PaperMatchStore.LatestPaper(connection);
        var low = WindowStart(connection, at);
        using var window = MatchWindow.Load(connection, low, high);
        using var matcher = new WindowMatcher(window, window.Open(), topics, queries.Value, clock, logger);
        // Planning needs no address: one is read only for a caller who sees the readers (reading it cost 14% of the
        // page read at 1,000,000 readers, tests/BENCHMARKS.md).
        // The next page's rows are read on a connection of their own while this thread plans the current page
        // (PostgreSQL claims each page on the run's connection before reading it, so it reads there).
        var claimPages = database.IsPostgres && !dryRun;
        using var readAhead = claimPages ? null : database.Connect();
        using var pages = new DuePages(connection, at, PageSize, claimPages, emails: onDigest is not null, readAhead);
        // A keyword's result is held from its first reader to its last, not for the whole run.
        matcher.ExpectUses(DueReaderStore.KeywordUses(connection, at));
        var taste = TasteStep.Open(tastes, low, high);
        var schedule = new Dictionary<(ReaderSchedule Schedule, DateTimeOffset DueAt), (string PeriodKey, DateTimeOffset NextDue)>();
        var frozen = new FrozenLists();
        using var checkpoints = LedgerCheckpoints.For(database, dryRun, logger);
        int readers = 0, planned = 0, empty = 0;
        // A page's ledger rows are written on another thread (and connection) while the next pages are read and
        // ranked: on two cores that hides most of the writing. Up to two pages wait, written in order: memory stays
        // flat, and one slow write (a checkpoint's syncs, a collection) no longer stops the planner (BENCHMARKS).
        var writes = new Queue<Task<(int Planned, int Advanced)>>();
        try
        {
            while (pages.Next(matcher))
            {
                var digests = new List<PlannedDigest>(pages.Readers.Count);
                var settled = 0;
                for (var i = 0; i < pages.Readers.Count; i++)
                {
                    var reader = pages.Readers[i];
                    var key = (reader.Schedule, reader.NextDueAt);
                    // Readers who share a schedule share its period key and next due time; working those out (time
                    // zones, calendars) costs more than ranking, so once per schedule and run.
                    if (!schedule.TryGetValue(key, out var times))
                        schedule[key] = times = (PeriodKey(reader.Schedule, key.NextDueAt, at), DigestSchedule.NextDue(reader.Schedule, at));
                    var digest = Plan(reader, pages.FiltersOf(i), matcher, taste, at, times.PeriodKey, times.NextDue);
                    onDigest?.Invoke(reader, digest);
                    if (digest.Items.Count == 0) empty++;
                    digests.Add(digest);
                    if (!dryRun && digests.Count - settled == SettleEvery) settled = Settle(digests, settled, matcher, frozen);
                }
                if (dryRun)
                {
                    matcher.Release();
                    readers += digests.Count;
                    planned += digests.Count(d => d.Items.Count > 0 || options.Value.SendEmpty);
                    continue;
                }
                // Once every digest of the page is settled, the keywords its readers were the last to name are let go.
                Settle(digests, settled, matcher, frozen);
                matcher.Release();
                if (writes.Count == PagesWaiting) Finish(writes.Dequeue());
                pages.Written(unwritten: writes.Count);
                writes.Enqueue(WriteAfter(writes.LastOrDefault(), digests, at, frozen, checkpoints));
            }
        }
        finally
        {
            // Also when planning failed: the pages already handed over are written (or fail) before the run returns;
            // the last ends after all the others, and the first failure is the one that counts.
            WaitQuietly(writes.LastOrDefault());
            while (writes.Count > 0) Finish(writes.Dequeue());
        }
        return new PlanRun(readers, planned, empty, matcher.DistinctFilters, matcher.QueriesRun, matcher.Papers.Count);

        void Finish(Task<(int Planned, int Advanced)> written)
        {
            (var rows, var advanced) = written.GetAwaiter().GetResult();
            planned += rows;
            readers += advanced;
        }
    }

    /// <summary>
    /// Settles the digests ranked since <paramref name="from"/>: what each frozen paper highlights is decided from the
    /// queries that matched it, then each list is numbered, and the digests that repeat a list an earlier one carries
    /// let their items go, so what waits for the writer is only new lists (<see cref="FrozenLists"/>). Returns how
    /// many of <paramref name="digests"/> are settled.
    /// </summary>
    private static int Settle(List<PlannedDigest> digests, int from, WindowMatcher matcher, FrozenLists frozen)
    {
        if (from == digests.Count) return from;
        var ranked = digests.GetRange(from, digests.Count - from);
        matcher.Mark(ranked.ConvertAll(d => d.Items));
        frozen.Number(ranked);
        return digests.Count;
    }

    /// <summary>
    /// Writes a page's ledger rows on another thread once <paramref name="previous"/> is written, so pages are written in
    /// order; after a failed page nothing more is written: its error passes on to every page after it.
    /// </summary>
    private Task<(int Planned, int Advanced)> WriteAfter(Task<(int Planned, int Advanced)>? previous, List<PlannedDigest> digests,
        DateTimeOffset at, FrozenLists frozen, LedgerCheckpoints? checkpoints)
    {
        (int, int) Write() => (deliveries.Plan(digests, mailer.Domain, options.Value.SendEmpty, at, out var advanced, frozen, checkpoints), advanced);
        return previous is null ? Task.Run(Write)
            : previous.ContinueWith(done => { done.GetAwaiter().GetResult(); return Write(); }, TaskScheduler.Default);
    }

    /// <summary>Waits for <paramref name="task"/> to end, failed or not: the caller reads its outcome afterwards.</summary>
    private static void WaitQuietly(Task? task)
    {
        try
        {
            task?.Wait();
        }
        catch (AggregateException)
        {
        }
    }

    /// <summary>The digest <paramref name="subscriber"/> would get if it were planned at <paramref name="at"/>; changes nothing.</summary>
    public PlannedDigest Preview(Subscriber subscriber, IReadOnlyList<SubscriberFilter> filters, DateTimeOffset at)
    {
        var due = subscriber.NextDueAt ?? DigestSchedule.NextDue(subscriber.Schedule, at);
        var reader = DueReader.Of(subscriber, due);
        using var connection = database.Connect();
        var high = PaperMatchStore.LatestPaper(connection);
        var low = reader.LastSeq ?? PaperMatchStore.LastPaperBefore(connection, FirstDigestCutoff(reader));
        using var window = MatchWindow.Load(connection, low, high);
        using var matcher = new WindowMatcher(window, window.Open(), topics, queries.Value, clock, logger);
        var when = due > at ? due : at;
        var results = filters.Select(matcher.Get).ToArray();
        var digest = Plan(reader, results, matcher, TasteStep.OpenFor(tastes, reader.Id, low, high), when,
            PeriodKey(reader.Schedule, due, when), DigestSchedule.NextDue(reader.Schedule, when));
        matcher.Mark([digest.Items]);
        return digest;
    }

    /// <summary>
    /// The one date of a digest planned at <paramref name="at"/> for a reader due since <paramref name="dueAt"/>: the
    /// slot it serves is the latest one reached, so a digest sent after downtime is dated the day it goes out.
    /// </summary>
    private static string PeriodKey(ReaderSchedule schedule, DateTimeOffset dueAt, DateTimeOffset at)
    {
        // A due time set under an older schedule may fall after the current schedule's latest slot: then it is the slot.
        var slot = DigestSchedule.LastDue(schedule, at);
        return DigestSchedule.PeriodKey(schedule, slot > dueAt ? slot : dueAt);
    }

    private PlannedDigest Plan(DueReader reader, ReadOnlySpan<FilterResult> filters, WindowMatcher matcher, TasteStep? taste, DateTimeOffset at,
        string periodKey, DateTimeOffset nextDue)
    {
        var dueAt = reader.NextDueAt;
        NewPapers isNew;
        DateTimeOffset windowFrom;
        if (reader.LastSeq is { } lastSeq)
        {
            isNew = NewPapers.After(lastSeq);
            // The previous digest was due one period before this one (or earlier, after downtime: then this digest
            // covers everything since, and the header still reads from its own period's start).
            windowFrom = dueAt - DigestSchedule.Period(reader.Schedule);
        }
        else
        {
            var cutoff = FirstDigestCutoff(reader);
            isNew = NewPapers.SeenAfter(cutoff, matcher.Papers);
            windowFrom = cutoff;
        }
        var items = matcher.Top(filters, isNew, options.Value.MaxPapers, DigestOrders.Parse(reader.DigestOrder));
        if (taste is not null) items = taste.Apply(reader.Id, items, filters, isNew);
        return new PlannedDigest(
            reader.Id,
            periodKey,
            windowFrom,
            at,
            items,
            Math.Max(matcher.High, reader.LastSeq ?? 0),
            dueAt,
            nextDue);
    }

    /// <summary>A first digest covers papers first seen after confirming minus one period, so it is not empty.</summary>
    private static DateTimeOffset FirstDigestCutoff(DueReader reader) =>
        (reader.FirstDigestFrom ?? throw new InvalidOperationException($"reader {reader.Id} had a digest: it has no first one"))
        - DigestSchedule.Period(reader.Schedule);

    /// <summary>The run's window starts after the oldest paper any due reader still needs.</summary>
    private static long WindowStart(DbConnection connection, DateTimeOffset at)
    {
        var (minLastSeq, firstConfirmed) = DueReaderStore.DueBounds(connection, at);
        var low = minLastSeq ?? long.MaxValue;
        if (firstConfirmed is { } confirmed)
            low = Math.Min(low, PaperMatchStore.LastPaperBefore(connection, confirmed - TimeSpan.FromDays(7)));
        return low == long.MaxValue ? 0 : low;
    }
}
