using Newsletter.Benchmarks.Data;
using Newsletter.Benchmarks.Harness;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// The due readers of the PostgreSQL sending scenarios: scenario 3's readers (seed, count, last papers) generated on
/// a copy of the history, then moved by the executable's <c>storage copy</c> into a PostgreSQL database that each
/// run copies (<c>CREATE DATABASE … TEMPLATE</c>), so every run starts from the same rows on either provider.
/// </summary>
public sealed record PgDigests(string Sqlite, int Readers)
{
    /// <summary>The PostgreSQL database each run copies.</summary>
    public const string Template = "digests_template";

    public static async Task<PgDigests> PrepareAsync(
        BenchOptions options, BenchData data, BenchPostgres server, string historyPath, DateTimeOffset at, string name)
    {
        var lastSeq = PlanScenario.LastSeqBefore(historyPath, options.NewPapers);
        var sqlite = BenchData.Copy(historyPath, $"{name}.db");
        data.Readers(seed: 23).Insert(sqlite, options.SendDigests, lastSeq, at.AddHours(-1), "digest");
        BenchData.Settle(sqlite);
        server.CreateDatabase(Template);
        await server.CopyFromSqliteAsync(options, sqlite, Template);
        server.VacuumAnalyze(Template);
        return new PgDigests(sqlite, options.SendDigests);
    }

    public void Delete(BenchPostgres server)
    {
        BenchData.Delete(Sqlite);
        server.Drop(Template);
    }
}
