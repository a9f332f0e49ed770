using System.Runtime.InteropServices;
using Newsletter.Benchmarks.Data;
using Newsletter.Benchmarks.Scenarios;

namespace Newsletter.Benchmarks.Harness;

/// <summary>A whole benchmark run: data, then scenarios 1, 1b, 2, 5 (queries), the micro-benchmarks, and 3 with 4 beside it (its line is last).</summary>
public static class BenchRun
{
    private static long MatchCount(string database, string query)
    {
        using var connection = new Newsletter.Storage.Database(database).Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM papers_fts WHERE papers_fts MATCH $query";
        command.Parameters.AddWithValue("$query", query);
        try { return (long)command.ExecuteScalar()!; }
        catch (Microsoft.Data.Sqlite.SqliteException) { return 0; }
    }

    public static async Task<int> RunAsync(BenchOptions options)
    {
        Directory.CreateDirectory(options.Work);
        // Children are ended by id however the run ends: normally, on Ctrl+C, or when the script is told to stop.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => ChildProcesses.StopAll());
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => ChildProcesses.StopAll());
        try
        {
            var table = new ResultsTable(options);
            Console.WriteLine($"benchmark ({options.RunKind}) on {Machine.Describe()}");
            var data = BenchData.Load(options);
            Console.WriteLine($"catalog: {data.Topics.Count} topics; sample listing: {data.Samples.Count} papers; keyword vocabulary: {data.Vocabulary.Count} words");
            // Over the repository's fixture papers: needs none of the ingested history below.
            if (options.Runs("for-you")) ForYouScenario.Run(options, table, data.Topics);
            if (options.Only.SetEquals(["for-you"])) return 0;

            var history = Path.Combine(options.Work, "history.db");
            if (!await IngestScenario.RunAsync(options, data, table, history))
            {
                Console.Error.WriteLine("bench: the ingest produced no history to plan over; stopping");
                return 1;
            }
            if (options.Runs("hostile-xml")) await HostileXmlScenario.RunAsync(options, table);
            BenchData.Settle(history);
            Console.WriteLine("topic matches in the history: " + string.Join(", ", data.Topics.Select(t =>
                $"{t.Slug} {100.0 * MatchCount(history, t.Query) / options.IngestPapers:0}%")));
            if (options.Runs("plan")) await PlanScenario.RunAsync(options, data, table, history);
            if (options.Runs("plan-marks")) await PlanMarksScenario.RunAsync(options, data, table, history);
            if (options.Runs("query")) await QueryScenario.RunAsync(options, data, table, history);
            if (options.Runs(PreviewWindowsScenario.Name)) PreviewWindowsScenario.Run(options, data, table, history);
            if (options.Runs("micro")) await MicroScenario.RunAsync(options, table);
            if (options.Runs("send")) await SendScenario.RunAsync(options, data, table, history);
            if (options.Runs("admin")) await AdminPageScenario.RunAsync(options, data, table, history);
            if (options.Runs(PgPlanScenario.Name)) await PgPlanScenario.RunAsync(options, data, table, history);
            if (options.Runs(PgSendScenario.Name)) await PgSendScenario.RunAsync(options, data, table, history);
            if (options.Runs(PgWebScenario.Name)) await PgWebScenario.RunAsync(options, data, table, history);
            return 0;
        }
        finally
        {
            ChildProcesses.StopAll();
        }
    }
}
