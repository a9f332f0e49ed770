using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Newsletter.Benchmarks.Harness;
using Newsletter.Benchmarks.Micro;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// The micro-benchmarks (BenchmarkDotNet, short runs, in process): run on their own with the <c>micro</c> verb, or
/// as a child of a full run, which records one row per benchmark.
/// </summary>
public static class MicroScenario
{
    public const string Verb = "micro";

    public static async Task RunAsync(BenchOptions options, ResultsTable table)
    {
        var log = Path.Combine(options.Work, "micro.log");
        var outcome = await ChildProcesses.RunSelfAsync(
            [Verb, "--repo", options.Repo, "--work", Path.Combine(options.Work, "micro")], TimeSpan.FromMinutes(20));
        await File.WriteAllTextAsync(log, outcome.Output + outcome.Error);
        var results = outcome.Output.Split('\n').Where(l => l.StartsWith("MICRO ", StringComparison.Ordinal)).ToList();
        if (results.Count == 0)
        {
            table.Record("micro", "BenchmarkDotNet ShortRun", $"micro: no results (exit {outcome.ExitCode}): {outcome.ErrorTail}", "–", null);
            return;
        }
        foreach (var line in results)
        {
            var parts = line["MICRO ".Length..].Split('\t');
            table.Record("micro", parts[0], $"micro: {parts[0]}: {parts[1]}", "–", null);
        }
    }

    /// <summary>The verb: runs every benchmark of <see cref="DigestBenchmarks"/> and prints one MICRO line each.</summary>
    public static int Run(ChildArguments args)
    {
        DigestBenchmarks.Repo = args.Optional("repo") ?? new BenchOptions().Repo;
        DigestBenchmarks.Work = args.Optional("work") ?? Path.Combine(Path.GetTempPath(), "newsletter-micro-" + Environment.ProcessId);
        try
        {
            var config = ManualConfig.CreateEmpty()
                .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
                .AddLogger(ConsoleLogger.Default)
                .AddColumnProvider(BenchmarkDotNet.Columns.DefaultColumnProviders.Instance)
                .AddDiagnoser(MemoryDiagnoser.Default)
                .WithArtifactsPath(Path.Combine(DigestBenchmarks.Work, "artifacts"))
                .WithOptions(ConfigOptions.DisableLogFile);
            // --filter A,B runs only the named benchmarks (for before/after comparisons of one function).
            if (args.Optional("filter") is { } filter)
            {
                var names = filter.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
                config = config.AddFilter(new BenchmarkDotNet.Filters.SimpleFilter(b => names.Contains(b.Descriptor.WorkloadMethod.Name)));
            }
            var summary = BenchmarkRunner.Run<DigestBenchmarks>(config);
            foreach (var report in summary.Reports)
            {
                var name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
                if (report.ResultStatistics is not { } statistics)
                {
                    Console.WriteLine($"MICRO {name}\tfailed (see the log above)");
                    continue;
                }
                var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"MICRO {name}\t{Time(statistics.Mean)} mean (± {Time(statistics.StandardDeviation)}), {allocated / 1024.0:0.0} KB allocated per call"));
            }
            return summary.HasCriticalValidationErrors ? 1 : 0;
        }
        finally
        {
            DigestBenchmarks.DisposeShared();
            if (args.Optional("work") is null && Directory.Exists(DigestBenchmarks.Work)) Directory.Delete(DigestBenchmarks.Work, recursive: true);
        }
    }

    private static string Time(double nanoseconds) => nanoseconds switch
    {
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e6:0.00} ms"),
        >= 1e3 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1e3:0.0} µs"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds:0} ns"),
    };
}
