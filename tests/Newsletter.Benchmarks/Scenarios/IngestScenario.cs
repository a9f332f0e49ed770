using Newsletter.Benchmarks.Data;
using Newsletter.Benchmarks.Harness;
using Newsletter.Listings;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// Scenario 1: one listing of 30,000 papers read, parsed, deduplicated and indexed by ListingIngester in a process
/// of its own; papers per second and that process's peak memory. Its database is the history the later scenarios
/// plan over.
/// </summary>
public static class IngestScenario
{
    public const string Verb = "child-ingest";
    private const double TargetPapersPerSecond = 3_000;

    /// <summary>Ingests into <paramref name="databasePath"/>; returns false when the scenario could not run.</summary>
    public static async Task<bool> RunAsync(BenchOptions options, BenchData data, ResultsTable table, string databasePath)
    {
        var listing = Path.Combine(options.Work, "listing.txt");
        data.Generator.Write(listing, options.IngestPapers, DateTimeOffset.UtcNow.AddDays(-1));
        var size = $"{Format.Count(options.IngestPapers)} papers ({new FileInfo(listing).Length / 1048576.0:0} MB papers-page text)";
        var outcome = await ChildProcesses.RunSelfAsync(
            [Verb, "--repo", options.Repo, "--db", databasePath, "--listing", listing], TimeSpan.FromMinutes(20));
        File.Delete(listing);
        if (outcome.Result is not { } result)
        {
            var why = outcome.TimedOut ? "timed out after 20 min" : $"failed (exit {outcome.ExitCode}): {outcome.ErrorTail}";
            table.Record("ingest", size, $"ingest: {why}", "≥ 3,000 papers/s", false);
            return false;
        }
        var seconds = result.GetProperty("seconds").GetDouble();
        var stored = result.GetProperty("stored").GetInt64();
        var rate = stored / seconds;
        // With --only, the ingest still makes the history but is not recorded again.
        Action<string, string, string, string, bool?> record = options.Only.Count == 0 || options.Runs("ingest")
            ? table.Record
            : (_, _, line, _, _) => Console.WriteLine(line);
        record("ingest", size,
            $"ingest: {Format.Count(stored)} papers in {Format.Seconds(seconds)} ({Format.Seconds(result.GetProperty("cpuSeconds").GetDouble())} of CPU) = {Format.Number(rate)} papers/s " +
            $"({result.GetProperty("summary").GetString()}); peak RSS {Format.Mb(result.GetProperty("peakMb").GetDouble())} " +
            $"(host before ingest {Format.Mb(result.GetProperty("beforeMb").GetDouble())})",
            "≥ 3,000 papers/s", rate >= TargetPapersPerSecond);
        return stored > options.NewPapers;
    }

    /// <summary>The child: ingest one listing file, report time and memory.</summary>
    public static async Task<int> ChildAsync(ChildArguments args)
    {
        using var host = new BenchHost(args["repo"], args.HostSettings());
        var ingester = host.Get<ListingIngester>();
        var before = ProcessMemory.CurrentMb();
        var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await ingester.IngestAsync(args["listing"], "bench", CancellationToken.None);
        var seconds = watch.Elapsed.TotalSeconds;
        // CPU time (user + system, every thread) is what a busy machine does not distort.
        var cpuSeconds = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var peak = ProcessMemory.PeakMb();
        var stored = BenchData.Scalar(args["db"], "SELECT COUNT(*) FROM papers");
        ChildResult.Print(new { seconds, cpuSeconds, stored, summary = result.ToString(), peakMb = peak, beforeMb = before });
        return 0;
    }
}
