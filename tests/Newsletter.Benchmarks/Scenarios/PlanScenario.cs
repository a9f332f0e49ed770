using System.Globalization;
using Newsletter.Benchmarks.Data;
using Newsletter.Benchmarks.Harness;
using Newsletter.Digests;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// Scenario 2: one daily run of DigestPlanner.PlanDue over the 2,000 newest papers for 1,000 … 1,000,000 due readers,
/// each size in a fresh copy of the history and a process of its own, so peak memory belongs to that size alone.
/// </summary>
public static class PlanScenario
{
    public const string Verb = "child-plan";
    private const int TargetReaders = 100_000;
    private const double TargetSeconds = 5, TargetMb = 300;

    public static async Task RunAsync(BenchOptions options, BenchData data, ResultsTable table, string historyPath)
    {
        var lastSeq = LastSeqBefore(historyPath, options.NewPapers);
        var at = DateTimeOffset.UtcNow;
        var measured = new List<(int Readers, double Seconds, double PeakMb)>();
        string? skipReason = null;
        foreach (var readers in options.PlanSizes)
        {
            if (skipReason is not null)
            {
                table.Record("plan", $"{Format.Count(readers)} readers", $"plan: {Format.Count(readers)} readers: not run ({skipReason})",
                    readers == TargetReaders ? "< 5 s, < 300 MB" : "memory flat in readers", readers == TargetReaders ? false : null);
                continue;
            }
            var database = BenchData.Copy(historyPath, $"plan-{readers}.db");
            try
            {
                var generated = data.Readers(seed: 11).Insert(database, readers, lastSeq, at.AddHours(-1));
                BenchData.Settle(database);
                KeepCopy(options, database);
                var size = $"{Format.Count(readers)} readers, {Format.Count(generated.DistinctFilters)} distinct filters, " +
                           $"{Format.Count(options.NewPapers)} new papers";
                var target = readers == TargetReaders ? "< 5 s, < 300 MB" : "memory flat in readers";
                var outcome = await ChildProcesses.RunSelfAsync(
                    [Verb, "--repo", options.Repo, "--db", database, "--at", at.ToString("O", CultureInfo.InvariantCulture)],
                    options.PlanTimeout);
                if (outcome.Result is { } result)
                {
                    var seconds = result.GetProperty("seconds").GetDouble();
                    var peak = result.GetProperty("peakMb").GetDouble();
                    measured.Add((readers, seconds, peak));
                    table.Record("plan", size,
                        $"plan: {Format.Count(readers)} readers ({Format.Count(generated.DistinctFilters)} distinct filters) over " +
                        $"{Format.Count(options.NewPapers)} new papers: {Format.Seconds(seconds)} ({Format.Seconds(result.GetProperty("cpuSeconds").GetDouble())} of CPU), " +
                        $"peak RSS {Format.Mb(peak)} " +
                        $"(host before planning {Format.Mb(result.GetProperty("beforeMb").GetDouble())}; {MemorySplitText(result)}); " +
                        $"threads: planner {Format.Seconds(result.GetProperty("plannerCpu").GetDouble())}, writer {Format.Seconds(result.GetProperty("writerCpu").GetDouble())}, " +
                        $"GC {Format.Seconds(result.GetProperty("gcCpu").GetDouble())} (paused {Format.Seconds(result.GetProperty("gcPauseSeconds").GetDouble())}), " +
                        $"JIT {Format.Seconds(result.GetProperty("jitCpu").GetDouble())}; " +
                        $"{Format.Count(result.GetProperty("planned").GetInt64())} digests planned",
                        target, readers == TargetReaders ? seconds < TargetSeconds && peak < TargetMb : null);
                }
                else
                {
                    // Stopped or failed: how far it got says how far off it is.
                    var done = BenchData.Scalar(database,
                        $"SELECT COUNT(*) FROM subscribers WHERE next_due_at > '{Newsletter.Storage.UtcTimestampHandler.ToText(at)}'");
                    var elapsed = outcome.Elapsed.TotalSeconds;
                    var why = outcome.TimedOut ? $"stopped after {Format.Seconds(elapsed)}" : $"failed (exit {outcome.ExitCode}: {outcome.ErrorTail})";
                    var estimate = done > 0 ? $"; at that pace all {Format.Count(readers)} take ≈ {Format.Seconds(elapsed * readers / done)}" : "";
                    table.Record("plan", size,
                        $"plan: {Format.Count(readers)} readers: {why} with {Format.Count(done)} readers planned{estimate}; " +
                        $"peak RSS so far {Format.Mb(outcome.PeakMb)}",
                        target, readers == TargetReaders ? false : null);
                    // Larger sizes would only take longer.
                    if (outcome.TimedOut) skipReason = $"{Format.Count(readers)} readers already overran the {Format.Seconds(options.PlanTimeout.TotalSeconds)} limit";
                }
            }
            finally
            {
                BenchData.Delete(database);
            }
        }
        if (measured.Count >= 2)
        {
            var (small, large) = (measured[^2], measured[^1]);
            Console.WriteLine(
                $"plan growth {Format.Count(small.Readers)} → {Format.Count(large.Readers)} readers: time ×{large.Seconds / small.Seconds:0.0}, " +
                $"peak memory ×{large.PeakMb / small.PeakMb:0.00}");
        }
    }

    /// <summary>
    /// Where the peak sat (see <see cref="MemorySplit"/>): the managed heap's peak after a collection, what the collector
    /// had committed at most, SQLite's own: the peak resident set is the host, the committed heap and the rest.
    /// </summary>
    private static string MemorySplitText(System.Text.Json.JsonElement result)
    {
        var memory = result.GetProperty("memory");
        return $"heap {Format.Mb(memory.GetProperty("heapMb").GetDouble())}, collector committed {Format.Mb(memory.GetProperty("gcCommittedMb").GetDouble())}, " +
               $"SQLite {Format.Mb(memory.GetProperty("sqliteMb").GetDouble())}";
    }

    /// <summary>With <c>--keep DIR</c>, copies the prepared database there before it is planned (and deleted).</summary>
    public static void KeepCopy(BenchOptions options, string database)
    {
        if (options.Keep is null) return;
        Directory.CreateDirectory(options.Keep);
        File.Copy(database, Path.Combine(options.Keep, Path.GetFileName(database)), overwrite: true);
    }

    /// <summary>The sequence number just before the newest <paramref name="newPapers"/> papers.</summary>
    public static long LastSeqBefore(string databasePath, int newPapers) =>
        BenchData.Scalar(databasePath, $"SELECT COALESCE((SELECT id FROM papers ORDER BY id DESC LIMIT 1 OFFSET {newPapers}), 0)");

    /// <summary>
    /// The child: plan every digest due at --at, report time and memory. With <c>--dry-run true</c> nothing is written
    /// (the planner thread alone: matching, ranking, highlights are not decided either).
    /// </summary>
    public static Task<int> ChildAsync(ChildArguments args)
    {
        var at = DateTimeOffset.Parse(args["at"], CultureInfo.InvariantCulture);
        using var host = new BenchHost(args["repo"], args.HostSettings());
        var planner = host.Get<DigestPlanner>();
        var before = ProcessMemory.CurrentMb();
        var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var threadsBefore = ThreadCpu.Now();
        var pauseBefore = GC.GetTotalPauseDuration();
        using var split = new MemorySplit();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var dryRun = args.Optional("dry-run") == "true";
        var planned = dryRun ? planner.Run(at, dryRun: true).Planned : planner.PlanDue(at);
        var seconds = watch.Elapsed.TotalSeconds;
        // CPU time is the figure to compare on a shared machine: wall time doubles when others build.
        var cpuSeconds = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        // Which thread spent it: the planner (this thread), the ledger writer (the pool's), the collector, the JIT;
        // and how long the collector stopped every thread. The wall time is the planner's CPU, the pauses, and its
        // waits for the writer (or for a core).
        var threads = ThreadCpu.Since(threadsBefore);
        ChildResult.Print(new
        {
            seconds, cpuSeconds, planned, peakMb = ProcessMemory.PeakMb(), beforeMb = before,
            plannerCpu = threads["caller"], writerCpu = threads["pool"], gcCpu = threads["gc"], jitCpu = threads["jit"], otherCpu = threads["other"],
            gcPauseSeconds = (GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds, gcServer = System.Runtime.GCSettings.IsServerGC,
            memory = split.Peaks(),
        });
        return Task.FromResult(0);
    }
}
