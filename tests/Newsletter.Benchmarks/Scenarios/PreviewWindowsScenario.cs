using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Newsletter.Benchmarks.Data;
using Newsletter.Benchmarks.Harness;
using Newsletter.Matching;
using Newsletter.Storage;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// Issue 13's rule for what PreviewWindows keeps (up to <see cref="PreviewWindows.MaxWindows"/> windows, each an
/// in-memory FTS5 index of its papers and the catalog topics' results): what it holds, and what it saves a preview.
/// The ingested history is spread over 30 days of daily ingests (1,000 papers a day, newest last); previews of one
/// topic and one keyword over the preview's 7 days and the search's 30 run in-process against the app's own services,
/// with the windows kept (the service's one PreviewWindows) and with every request building its own (a
/// PreviewWindows of its own, the harness's switch).
/// </summary>
public static class PreviewWindowsScenario
{
    public const string Name = "preview-windows";
    private const int Days = 30;
    private const int Requests = 20;

    public static void Run(BenchOptions options, BenchData data, ResultsTable table, string historyPath)
    {
        var database = BenchData.Copy(historyPath, "preview-windows.db");
        try
        {
            var now = DateTimeOffset.UtcNow;
            SpreadOverDays(database, now);
            BenchData.Settle(database);
            // The request budget is wall time: on a shared machine it would stop the previews being measured.
            using var host = new BenchHost(options.Repo, new Dictionary<string, string?>
            {
                ["Storage:Database"] = database, ["Queries:RequestBudgetMs"] = "60000",
            });
            var shared = host.Get<PreviewWindows>();
            PreviewWindows Fresh() => new(host.Get<Database>(), host.Get<TopicCatalog>(), host.Get<IOptions<QueryOptions>>(),
                host.Get<TimeProvider>(), host.Get<ILogger<PreviewWindows>>());

            var random = new Random(13);
            var previews = Enumerable.Range(0, Requests).Select(i => (
                Filters: (IReadOnlyList<SubscriberFilter>)
                [
                    SubscriberFilter.ForTopic(data.Topics[i % data.Topics.Count].Slug),
                    SubscriberFilter.ForKeyword(data.Vocabulary[random.Next(data.Vocabulary.Count)]),
                ],
                Days: i % 2 == 0 ? 7 : Days)).ToList();

            // Memory: the windows the service keeps at once, native (SQLite's allocator) and managed.
            var (nativeBefore, managedBefore) = Memory();
            foreach (var days in new[] { 7, Days }) Match(shared, previews[0].Filters, now.AddDays(-days));
            var (nativeTwo, managedTwo) = Memory();
            // The worst case: as many windows as the cap allows, each of the widest spans, in windows of their own.
            var widest = Fresh();
            for (var days = Days; days > Days - PreviewWindows.MaxWindows; days--) Match(widest, previews[0].Filters, now.AddDays(-days));
            var (nativeFull, managedFull) = Memory();
            GC.KeepAlive(widest);

            // Latency and CPU: the same previews with the windows kept (warm) and built per request.
            var kept = Measure(previews, p => Match(shared, p.Filters, now.AddDays(-p.Days)));
            var perRequest = Measure(previews, p => Match(Fresh(), p.Filters, now.AddDays(-p.Days)), afterEach: () =>
            {
                // A PreviewWindows of one request leaves its window to the finalizers; free it outside the timing.
                GC.Collect();
                GC.WaitForPendingFinalizers();
            });
            var saved = 1 - kept.CpuMs / perRequest.CpuMs;
            table.Record(Name, $"{Format.Count(BenchData.Scalar(database, "SELECT COUNT(*) FROM papers"))} papers over {Days} days",
                $"{Name}: a preview (a topic and a keyword, 7 or 30 days) with the windows kept: p50 {kept.P50Ms:0.0} ms, " +
                $"{kept.CpuMs:0.0} ms CPU; building its window per request: p50 {perRequest.P50Ms:0.0} ms, {perRequest.CpuMs:0.0} ms CPU " +
                $"(keeping saves {saved:P0} of the CPU); kept windows hold: 7 + 30 days {Mb(nativeTwo - nativeBefore)} native + " +
                $"{Mb(managedTwo - managedBefore)} managed, the cap's {PreviewWindows.MaxWindows} windows " +
                $"({Days - PreviewWindows.MaxWindows + 1}-{Days} days) {Mb(nativeFull - nativeTwo)} native + " +
                $"{Mb(managedFull - managedTwo)} managed; load average {Machine.LoadAverage()}",
                "keep if ≥ 10% saved", saved >= 0.10);
        }
        finally
        {
            BenchData.Delete(database);
        }
    }

    private static void Match(PreviewWindows windows, IReadOnlyList<SubscriberFilter> filters, DateTimeOffset since) =>
        windows.Matches(filters, since, 50, DigestOrder.Relevance, CancellationToken.None);

    private static (double P50Ms, double CpuMs) Measure<T>(IReadOnlyList<T> requests, Action<T> run, Action? afterEach = null)
    {
        run(requests[0]); // warm: first use of each code path and the page cache
        afterEach?.Invoke();
        var timings = new List<double>();
        var cpu = TimeSpan.Zero;
        foreach (var request in requests)
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            run(request);
            timings.Add(clock.Elapsed.TotalMilliseconds);
            cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            afterEach?.Invoke();
        }
        timings.Sort();
        return (timings[timings.Count / 2], cpu.TotalMilliseconds / requests.Count);
    }

    /// <summary>Gives the papers, in ingest order, 30 daily ingests ending today.</summary>
    private static void SpreadOverDays(string database, DateTimeOffset now)
    {
        using var connection = new Database(database).Open();
        var (low, high) = (BenchData.Scalar(database, "SELECT MIN(id) FROM papers"), BenchData.Scalar(database, "SELECT MAX(id) FROM papers"));
        var perDay = (high - low + Days) / Days;
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        for (var day = 0; day < Days; day++)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE papers SET first_seen_at = $at WHERE id >= $from AND id < $to";
            command.Parameters.AddWithValue("$at", UtcTimestampHandler.ToText(today.AddDays(day - Days + 1).AddHours(1)));
            command.Parameters.AddWithValue("$from", low + day * perDay);
            command.Parameters.AddWithValue("$to", low + (day + 1) * perDay);
            command.ExecuteNonQuery();
        }
    }

    private static (long Native, long Managed) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return (SQLitePCL.raw.sqlite3_memory_used(), GC.GetTotalMemory(forceFullCollection: true));
    }

    private static string Mb(long bytes) => Format.Mb(bytes / 1_048_576.0);
}
