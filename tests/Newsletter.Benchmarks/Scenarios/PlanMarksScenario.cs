using System.Globalization;
using Dapper;
using Newsletter.Benchmarks.Data;
using Newsletter.Benchmarks.Harness;
using Newsletter.ForYou;
using Newsletter.Storage;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// Issue 16's planning line: the plan scenario's 100,000 due readers over the 2,000 newest papers, of whom every tenth
/// has a taste model (five "more like this" and one "less like this" on papers of the window), in a process of its own.
/// </summary>
public static class PlanMarksScenario
{
    private const int Readers = 100_000;
    private const double TargetSeconds = 6;

    public static async Task RunAsync(BenchOptions options, BenchData data, ResultsTable table, string historyPath)
    {
        var lastSeq = PlanScenario.LastSeqBefore(historyPath, options.NewPapers);
        var at = DateTimeOffset.UtcNow;
        var database = BenchData.Copy(historyPath, "plan-marks.db");
        try
        {
            var generated = data.Readers(seed: 11).Insert(database, Readers, lastSeq, at.AddHours(-1));
            var marked = AddModels(database, lastSeq, at);
            BenchData.Settle(database);
            PlanScenario.KeepCopy(options, database);
            var size = $"{Format.Count(Readers)} readers ({Format.Count(marked)} with marks), {Format.Count(options.NewPapers)} new papers";
            var outcome = await ChildProcesses.RunSelfAsync(
                [PlanScenario.Verb, "--repo", options.Repo, "--db", database, "--at", at.ToString("O", CultureInfo.InvariantCulture)],
                options.PlanTimeout);
            if (outcome.Result is { } result)
            {
                var seconds = result.GetProperty("seconds").GetDouble();
                table.Record("plan-marks", size,
                    $"plan-marks: {Format.Count(Readers)} readers ({Format.Count(generated.DistinctFilters)} distinct filters), " +
                    $"{Format.Count(marked)} of them with a taste model, over {Format.Count(options.NewPapers)} new papers: " +
                    $"{Format.Seconds(seconds)} ({Format.Seconds(result.GetProperty("cpuSeconds").GetDouble())} of CPU, load {Machine.LoadAverage()}), peak RSS {Format.Mb(result.GetProperty("peakMb").GetDouble())}; " +
                    $"{Format.Count(result.GetProperty("planned").GetInt64())} digests planned",
                    "< 6 s", seconds < TargetSeconds);
            }
            else
            {
                table.Record("plan-marks", size, $"plan-marks: {(outcome.TimedOut ? "stopped at the time limit" : $"failed (exit {outcome.ExitCode}: {outcome.ErrorTail})")}",
                    "< 6 s", false);
            }
        }
        finally
        {
            BenchData.Delete(database);
        }
    }

    /// <summary>Gives every tenth reader a model built from marks on window papers, as ReaderTaste would store it.</summary>
    private static int AddModels(string databasePath, long lastSeq, DateTimeOffset at)
    {
        var database = new Database(databasePath);
        var models = new TasteModelStore(database);
        var window = models.WindowPapers(lastSeq, long.MaxValue);
        var rng = new Random(16);
        var count = 0;
        List<long> readers;
        using (var connection = database.Open())
            readers = connection.Query<long>("SELECT id FROM subscribers WHERE id % 10 = 0").ToList();
        foreach (var reader in readers)
        {
            var marks = Enumerable.Range(0, 6).Select(i => window[rng.Next(window.Count)])
                .Select((p, i) => new MarkedPaper(p.Id, p.Title, p.Abstract, Liked: i < 5)).ToList();
            models.Save(reader, TasteModel.Build(marks), at);
            count++;
        }
        return count;
    }
}
