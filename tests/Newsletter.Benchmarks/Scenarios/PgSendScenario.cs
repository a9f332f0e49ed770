using Newsletter.Benchmarks.Data;
using Newsletter.Benchmarks.Harness;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// Issue 17's sending line: scenario 3's digests (20,000; quick 5,000) planned once, then sent to an smtp-sink of
/// their own by one node on SQLite (the reference), by one node on PostgreSQL, and by two nodes at once on one
/// PostgreSQL database and ledger. Each run says its rate, each node's CPU a digest and peak RSS, the server's and
/// the sink's CPU a digest, how many of the machine's cores all of them kept busy, and whether every reader got
/// exactly one digest (messages counted at the sink against readers, and one sent ledger row each).
/// </summary>
public static class PgSendScenario
{
    public const string Name = "pg-send";
    private const string Target = "every reader exactly one digest";

    public static async Task RunAsync(BenchOptions options, BenchData data, ResultsTable table, string historyPath)
    {
        using var server = BenchPostgres.TryStart(options, Name);
        if (server is null) return;
        var at = DateTimeOffset.UtcNow;
        var prepared = await PgDigests.PrepareAsync(options, data, server, historyPath, at, Name);
        var dkimKey = SendingNodes.DkimKey(options);
        var size = $"{Format.Count(options.SendDigests)} digests, {options.Connections} connections a node";
        try
        {
            // The reference: one node on the SQLite file the PostgreSQL database was copied from.
            var planned = await PgPlanScenario.PlanAsync(options, prepared.Sqlite, at, null);
            await using (var sink = await CountingSink.StartAsync())
            {
                var run = await SendingNodes.RunAsync(options, 1, prepared.Sqlite, null, at, sink, dkimKey, () => 0);
                var ledger = new Ledger(sql => BenchData.Scalar(prepared.Sqlite, sql));
                Record(table, options, "SQLite, 1 node", size, run, await sink.SettledAsync(prepared.Readers), ledger, prepared.Readers, planned, null, null);
            }

            SendingNodes.Run? oneNode = null;
            foreach (var nodes in new[] { 1, 2 })
            {
                var database = server.CreateDatabase($"send_{nodes}", PgDigests.Template);
                try
                {
                    var serverBefore = server.CpuSeconds();
                    planned = await PgPlanScenario.PlanAsync(options, prepared.Sqlite, at, server.ConnectionString(database));
                    var planServerCpu = server.CpuSeconds() - serverBefore;
                    await using var sink = await CountingSink.StartAsync();
                    var run = await SendingNodes.RunAsync(options, nodes, prepared.Sqlite, server.ConnectionString(database), at, sink, dkimKey, server.CpuSeconds);
                    var ledger = new Ledger(sql => server.Count(database, sql));
                    Record(table, options, nodes == 1 ? "PostgreSQL, 1 node" : $"PostgreSQL, {nodes} nodes at once", size, run, await sink.SettledAsync(prepared.Readers),
                        ledger, prepared.Readers, planned, planServerCpu, nodes == 2 ? oneNode : null);
                    oneNode ??= run;
                }
                finally
                {
                    server.Drop(database);
                }
            }
        }
        finally
        {
            prepared.Delete(server);
        }
    }

    /// <summary>Counts on the database the run sent from.</summary>
    private sealed record Ledger(Func<string, long> Count)
    {
        public long Sent => Count("SELECT count(*) FROM deliveries WHERE state = 'sent'");
        public long Rows => Count("SELECT count(*) FROM deliveries");

        /// <summary>Readers with no sent digest, or more than one (the unique (reader, period) key would refuse a second row).</summary>
        public long NotExactlyOnce => Count(
            "SELECT count(*) FROM subscribers s WHERE (SELECT count(*) FROM deliveries d WHERE d.subscriber_id = s.id AND d.state = 'sent') <> 1");
    }

    private static void Record(
        ResultsTable table, BenchOptions options, string how, string size, SendingNodes.Run run, long sinkMessages, Ledger ledger, int readers,
        ChildProcesses.Outcome planned, double? planServerCpu, SendingNodes.Run? oneNode)
    {
        var sent = Math.Max(run.Sent, 1);
        var nodes = string.Join("; ", run.Nodes.Select((n, i) =>
            $"node {i + 1}: {Format.Count(n.Sent)} sent, {Ms(n.CpuSeconds, n.Sent)} of CPU a digest, peak RSS {Format.Mb(n.PeakMb)}"));
        var notOnce = ledger.NotExactlyOnce;
        var (sentRows, rows) = (ledger.Sent, ledger.Rows);
        var line = $"{Name}: {how}: {Format.Count(run.Sent)} digests in {Format.Seconds(run.Seconds)} (load {run.Load}) = {Format.Number(run.Rate, 1)} digests/s; {nodes}; " +
                   (planServerCpu is null ? "" : $"PostgreSQL server {Ms(run.ServerCpu, sent)} of CPU a digest; ") +
                   $"smtp-sink {Ms(run.SinkCpu, sent)}; all together {run.CoresBusy:0.00} of {Environment.ProcessorCount} cores busy; " +
                   $"smtp-sink received {Format.Count(sinkMessages)} messages for {Format.Count(readers)} readers, ledger {Format.Count(sentRows)} sent of {Format.Count(rows)} rows, " +
                   $"{Format.Count(notOnce)} readers without exactly one sent digest";
        if (oneNode is not null && oneNode.Rate > 0)
            line += $"; two nodes / one node: ×{run.Rate / oneNode.Rate:0.00} digests/s, ×{run.CoresBusy / Math.Max(oneNode.CoresBusy, 1e-9):0.00} cores busy";
        if (planned.Result is { } plan)
            line += $"; planned first by one node in {Format.Seconds(plan.GetProperty("seconds").GetDouble())} ({Format.Seconds(plan.GetProperty("cpuSeconds").GetDouble())} of CPU" +
                    (planServerCpu is { } s ? $" + server {Format.Seconds(s)}" : "") + ")";
        else line += $"; planning failed: {planned.ErrorTail}";
        if (run.Failures.Count > 0) line += "; " + string.Join("; ", run.Failures);
        line += $"; Delivery:Connections = {options.Connections} a node; DKIM {(options.Dkim ? "2048-bit RSA" : "off")}";
        table.Record(Name, $"{size}, {how}", line, Target,
            run.Failures.Count == 0 && run.Sent == readers && sinkMessages == readers && sentRows == readers && notOnce == 0);
    }

    private static string Ms(double seconds, int digests) => $"{seconds * 1000 / Math.Max(digests, 1):0.00} ms";
}
