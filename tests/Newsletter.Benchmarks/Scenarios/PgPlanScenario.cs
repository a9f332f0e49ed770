using System.Globalization;
using System.Text.Json;
using Newsletter.Benchmarks.Data;
using Newsletter.Benchmarks.Harness;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// Issue 17's planning line: the plan scenario's readers (100,000; and 1,000,000 in the full run) over the 2,000
/// newest papers, planned once on SQLite and once on PostgreSQL from the same prepared data: the SQLite database is
/// generated as scenario 2 does, then moved into a fresh PostgreSQL database by the executable's own
/// <c>storage copy</c> before SQLite plans it. Each planner runs in a process of its own (the plan scenario's child,
/// with <c>--pg</c> on PostgreSQL); on PostgreSQL the server's CPU over that process is added to the planner's.
/// </summary>
public static class PgPlanScenario
{
    public const string Name = "pg-plan";

    public static async Task RunAsync(BenchOptions options, BenchData data, ResultsTable table, string historyPath)
    {
        using var server = BenchPostgres.TryStart(options, Name);
        if (server is null) return;
        var lastSeq = PlanScenario.LastSeqBefore(historyPath, options.NewPapers);
        int[] sizes = options.Quick ? [100_000] : [100_000, 1_000_000];
        foreach (var readers in sizes)
        {
            var at = DateTimeOffset.UtcNow;
            var sqlite = BenchData.Copy(historyPath, $"pg-plan-{readers}.db");
            var database = $"plan_{readers}";
            try
            {
                var generated = data.Readers(seed: 11).Insert(sqlite, readers, lastSeq, at.AddHours(-1));
                BenchData.Settle(sqlite);
                server.CreateDatabase(database);
                var copySeconds = await server.CopyFromSqliteAsync(options, sqlite, database);
                var copyLoad = Machine.LoadAverage();
                server.VacuumAnalyze(database);

                // A start with nothing due (a day earlier), as a node starts before its first digest run: Hangfire
                // installs its schema and the migrations are checked, so the measured run's server CPU is planning's.
                await PlanAsync(options, sqlite, at.AddDays(-1), server.ConnectionString(database));

                var onSqlite = await PlanAsync(options, sqlite, at, null);
                var sqliteLoad = Machine.LoadAverage();
                server.ResetStatements(database);
                var serverBefore = server.CpuSeconds();
                var onPostgres = await PlanAsync(options, sqlite, at, server.ConnectionString(database));
                var serverCpu = server.CpuSeconds() - serverBefore;
                foreach (var statement in server.CostliestStatements(database)) Console.WriteLine($"{Name} statement: {statement}");
                var postgresLoad = Machine.LoadAverage();
                var ledgerRows = server.Count(database, "SELECT count(*) FROM deliveries");
                var ledgerReaders = server.Count(database, "SELECT count(DISTINCT subscriber_id) FROM deliveries");

                var size = $"{Format.Count(readers)} readers, {Format.Count(generated.DistinctFilters)} distinct filters, {Format.Count(options.NewPapers)} new papers";
                var line = $"pg-plan: {Format.Count(readers)} readers ({Format.Count(generated.DistinctFilters)} distinct filters) over {Format.Count(options.NewPapers)} new papers, " +
                           $"the same data on both: PostgreSQL {Describe(onPostgres, postgresLoad, serverCpu)}; SQLite {Describe(onSqlite, sqliteLoad, null)}";
                if (Cpu(onPostgres) is { } pgCpu && Cpu(onSqlite) is { } liteCpu && liteCpu > 0)
                    line += $"; CPU PostgreSQL (planner + server) / SQLite ×{(pgCpu + serverCpu) / liteCpu:0.00}, planner alone ×{pgCpu / liteCpu:0.00}";
                line += $"; PostgreSQL's ledger {Format.Count(ledgerRows)} rows for {Format.Count(ledgerReaders)} readers; " +
                        $"storage copy of the prepared database {Format.Seconds(copySeconds)} (load {copyLoad}); {server.Describe()}";
                var planned = Planned(onSqlite) == readers && Planned(onPostgres) == readers && ledgerRows == readers && ledgerReaders == readers;
                table.Record(Name, size, line, "every due reader planned once on both", planned);
            }
            finally
            {
                BenchData.Delete(sqlite);
                server.Drop(database);
            }
        }
    }

    /// <summary>Plans everything due at <paramref name="at"/> in a process of its own (scenario 2's child), on PostgreSQL when <paramref name="postgres"/> is given.</summary>
    public static Task<ChildProcesses.Outcome> PlanAsync(BenchOptions options, string sqlite, DateTimeOffset at, string? postgres) =>
        ChildProcesses.RunSelfAsync(
            [PlanScenario.Verb, "--repo", options.Repo, "--db", sqlite, "--at", at.ToString("O", CultureInfo.InvariantCulture),
             .. (postgres is null ? Array.Empty<string>() : ["--pg", postgres])],
            options.PlanTimeout);

    private static double? Cpu(ChildProcesses.Outcome outcome) => outcome.Result?.GetProperty("cpuSeconds").GetDouble();

    private static long Planned(ChildProcesses.Outcome outcome) => outcome.Result?.GetProperty("planned").GetInt64() ?? -1;

    private static string Describe(ChildProcesses.Outcome outcome, string load, double? serverCpu)
    {
        if (outcome.Result is not JsonElement result)
            return outcome.TimedOut
                ? $"stopped at the {Format.Seconds(outcome.Elapsed.TotalSeconds)} limit (peak RSS {Format.Mb(outcome.PeakMb)})"
                : $"failed (exit {outcome.ExitCode}: {outcome.ErrorTail})";
        var cpu = result.GetProperty("cpuSeconds").GetDouble();
        var server = serverCpu is { } s ? $" + server {Format.Seconds(s)} = {Format.Seconds(cpu + s)}" : "";
        return $"{Format.Seconds(result.GetProperty("seconds").GetDouble())} wall (load {load}), CPU planner {Format.Seconds(cpu)}{server}, " +
               $"peak RSS {Format.Mb(result.GetProperty("peakMb").GetDouble())}, {Format.Count(result.GetProperty("planned").GetInt64())} planned";
    }
}
