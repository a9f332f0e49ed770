using Newsletter.Benchmarks.Data;
using Newsletter.Benchmarks.Harness;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// Issue 17's web line: scenario 4's load on PostgreSQL. One node is the real executable serving on a free loopback
/// port (no job server), loaded by wrk with subscribe-API requests as <see cref="WebLoad"/> does, while another node
/// (a process of the harness) sends the planned digests from the same database to an smtp-sink: requests/s, p50,
/// p99, non-2xx answers, socket errors, the serving node's CPU a request, and the sending node's rate beside it.
/// </summary>
public static class PgWebScenario
{
    public const string Name = "pg-web";
    private const string Target = "no errors, no non-2xx";

    public static async Task RunAsync(BenchOptions options, BenchData data, ResultsTable table, string historyPath)
    {
        if (options.WebSeconds <= 0) return;
        using var server = BenchPostgres.TryStart(options, Name);
        if (server is null) return;
        var at = DateTimeOffset.UtcNow;
        var prepared = await PgDigests.PrepareAsync(options, data, server, historyPath, at, Name);
        const string database = "web";
        var size = "subscribe API, wrk 2 threads × 16 connections, one node serving and one sending";
        try
        {
            server.CreateDatabase(database, PgDigests.Template);
            var connectionString = server.ConnectionString(database);
            await PgPlanScenario.PlanAsync(options, prepared.Sqlite, at, connectionString);
            WebLoad web;
            try
            {
                web = await WebLoad.StartAsync(options, prepared.Sqlite, new Dictionary<string, string>
                {
                    ["Storage__Provider"] = "postgres",
                    ["Storage__ConnectionString"] = connectionString,
                });
            }
            catch (InvalidOperationException e)
            {
                table.Record(Name, size, $"{Name}: not measured: {e.Message}", Target, false);
                return;
            }
            await using (web)
            await using (var sink = await CountingSink.StartAsync())
            {
                Task<WebLoad.Measurement>? load = null;
                var webCpuBefore = web.CpuTime;
                var serverBefore = 0.0;
                var watch = new System.Diagnostics.Stopwatch();
                var send = await SendingNodes.RunAsync(options, 1, prepared.Sqlite, connectionString, at, sink, SendingNodes.DkimKey(options), server.CpuSeconds, () =>
                {
                    serverBefore = server.CpuSeconds();
                    watch.Start();
                    load = web.LoadAsync(options, data.Topics.Select(t => t.Slug).ToList(), options.WebSeconds);
                });
                WebLoad.Measurement? measured = null;
                string? problem = null;
                try { measured = load is null ? null : await load; }
                catch (InvalidOperationException e) { problem = e.Message; }
                // Over both: from the go until the later of wrk and the send ended.
                var both = new Both(watch.Elapsed.TotalSeconds, (web.CpuTime - webCpuBefore).TotalSeconds, server.CpuSeconds() - serverBefore, Machine.LoadAverage());
                var written = server.Count(database, "SELECT count(*) FROM subscribers WHERE email LIKE 'load%'");
                Record(table, size, measured, problem, both, written, send);
            }
        }
        finally
        {
            server.Drop(database);
            prepared.Delete(server);
        }
    }

    private sealed record Both(double Seconds, double WebCpu, double ServerCpu, string Load);

    private static void Record(
        ResultsTable table, string size, WebLoad.Measurement? measured, string? problem, Both both, long written, SendingNodes.Run send)
    {
        if (measured is null)
        {
            table.Record(Name, size, $"{Name}: not measured: {problem ?? "wrk did not start"}", Target, false);
            return;
        }
        var sendLine = send.Failures.Count > 0
            ? string.Join("; ", send.Failures)
            : $"the sending node sent {Format.Count(send.Sent)} digests in {Format.Seconds(send.Seconds)} = {Format.Number(send.Rate, 1)}/s " +
              (send.Seconds >= measured.Seconds
                  ? $"(all {Format.Seconds(measured.Seconds)} of wrk's load fell within it)"
                  : $"(it overlapped only the first {Format.Seconds(send.Seconds)} of wrk's {Format.Seconds(measured.Seconds)})");
        table.Record(Name, size,
            $"{Name}: PostgreSQL, {Format.Number(measured.RequestsPerSecond)} subscribe requests/s (load {both.Load}), p50 {measured.P50Ms:0.0} ms, p99 {measured.P99Ms:0.0} ms, " +
            $"{Format.Count(measured.Requests)} requests: {Format.Count(measured.NotSuccess)} non-2xx, {Format.Count(measured.SocketErrors)} socket errors, " +
            $"{Format.Count(written)} readers written; serving node {both.WebCpu * 1000 / Math.Max(measured.Requests, 1):0.00} ms of CPU a request; {sendLine}, " +
            $"{send.Nodes.Sum(n => n.CpuSeconds) * 1000 / Math.Max(send.Sent, 1):0.00} ms of its CPU a digest; PostgreSQL server {Format.Seconds(both.ServerCpu)} of CPU " +
            $"and the serving node {Format.Seconds(both.WebCpu)} over the {Format.Seconds(both.Seconds)} of both",
            Target, measured.NotSuccess == 0 && measured.SocketErrors == 0 && measured.Requests > 0 && send.Failures.Count == 0);
    }
}
