using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Newsletter.Benchmarks.Harness;
using Newsletter.Delivery;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// One or more sending nodes at once on one database: each a process of its own (the harness again, composing the
/// app through its Program.cs, no job server) calling <see cref="DeliverySender.SendDueAsync"/>, as a node's digest
/// job does, to one smtp-sink. Each child starts its host, says READY and waits for a go file, so the nodes begin
/// sending together; each reports its digests, CPU, peak RSS and the moments it started and ended.
/// </summary>
public static class SendingNodes
{
    public const string Verb = "child-node-send";

    /// <summary>What one node did.</summary>
    public sealed record Node(int Sent, double CpuSeconds, double PeakMb, long StartedMs, long EndedMs);

    /// <summary>What the nodes did together: wall time from the first start to the last end, the server's and the sink's CPU meanwhile.</summary>
    public sealed record Run(IReadOnlyList<Node> Nodes, IReadOnlyList<string> Failures, double Seconds, double ServerCpu, double SinkCpu, string Load)
    {
        public int Sent => Nodes.Sum(n => n.Sent);
        public double Rate => Seconds > 0 ? Sent / Seconds : 0;

        /// <summary>Cores kept busy on average: every node, the database server and smtp-sink, over the wall time.</summary>
        public double CoresBusy => Seconds > 0 ? (Nodes.Sum(n => n.CpuSeconds) + ServerCpu + SinkCpu) / Seconds : 0;
    }

    /// <summary>Writes a 2048-bit RSA key for DKIM into the work folder (null with <c>--no-dkim</c>), as scenario 3 signs.</summary>
    public static string? DkimKey(BenchOptions options)
    {
        if (!options.Dkim) return null;
        var path = Path.Combine(options.Work, "dkim-nodes.pem");
        using var rsa = RSA.Create(2048);
        File.WriteAllText(path, rsa.ExportRSAPrivateKeyPem());
        return path;
    }

    /// <summary>
    /// Starts <paramref name="count"/> nodes on <paramref name="postgres"/> (or on the SQLite file when null), lets
    /// them go together, calls <paramref name="onGo"/> at that moment and waits for all of them.
    /// </summary>
    public static async Task<Run> RunAsync(
        BenchOptions options, int count, string sqlite, string? postgres, DateTimeOffset at, CountingSink sink, string? dkimKey,
        Func<double> serverCpu, Action? onGo = null)
    {
        var go = Path.Combine(options.Work, $"go-{Guid.NewGuid():N}");
        var ready = 0;
        var children = Enumerable.Range(1, count).Select(node => ChildProcesses.RunSelfAsync(
            [Verb, "--repo", options.Repo, "--db", sqlite, "--at", at.ToString("O", CultureInfo.InvariantCulture), "--go", go,
             "--sink", $"127.0.0.1:{sink.Port}", "--connections", options.Connections.ToString(CultureInfo.InvariantCulture),
             .. (postgres is null ? Array.Empty<string>() : ["--pg", postgres]), .. (dkimKey is null ? Array.Empty<string>() : ["--dkim-key", dkimKey])],
            options.SendTimeout,
            line => { if (line == "READY") Interlocked.Increment(ref ready); })).ToList();
        // A node that fails before it is ready lets the others go rather than keep them waiting for their time limit.
        while (Volatile.Read(ref ready) < count && !children.Any(c => c.IsCompleted)) await Task.Delay(20);
        var serverBefore = serverCpu();
        var sinkBefore = sink.CpuSeconds;
        await File.WriteAllTextAsync(go, "");
        onGo?.Invoke();
        var outcomes = await Task.WhenAll(children);
        var load = Machine.LoadAverage();
        var server = serverCpu() - serverBefore;
        var sinkCpu = sink.CpuSeconds - sinkBefore;
        File.Delete(go);

        var nodes = new List<Node>();
        var failures = new List<string>();
        foreach (var outcome in outcomes)
        {
            if (outcome.Result is { } r)
                nodes.Add(new Node(r.GetProperty("sent").GetInt32(), r.GetProperty("cpuSeconds").GetDouble(), r.GetProperty("peakMb").GetDouble(),
                    r.GetProperty("startedMs").GetInt64(), r.GetProperty("endedMs").GetInt64()));
            else
                failures.Add(outcome.TimedOut ? $"a node stopped at the {Format.Seconds(options.SendTimeout.TotalSeconds)} limit" : $"a node failed (exit {outcome.ExitCode}: {outcome.ErrorTail})");
        }
        var seconds = nodes.Count == 0 ? 0 : (nodes.Max(n => n.EndedMs) - nodes.Min(n => n.StartedMs)) / 1000.0;
        return new Run(nodes, failures, seconds, server, sinkCpu, load);
    }

    /// <summary>The child: one node. Starts the app, waits for the go file, sends everything due at --at, reports.</summary>
    public static async Task<int> ChildAsync(ChildArguments args)
    {
        var at = DateTimeOffset.Parse(args["at"], CultureInfo.InvariantCulture);
        using var host = new BenchHost(args["repo"], args.SenderSettings());
        var sender = host.Get<DeliverySender>();
        Console.WriteLine("READY");
        var go = args["go"];
        while (!File.Exists(go)) await Task.Delay(5);

        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var startedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var sent = await sender.SendDueAsync(at, CancellationToken.None);
        var endedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        self.Refresh();
        // The node's whole peak (its host included), as an operator's node would show it.
        ChildResult.Print(new { sent, cpuSeconds = (self.TotalProcessorTime - cpuBefore).TotalSeconds, peakMb = ProcessMemory.PeakMb(), startedMs, endedMs });
        return 0;
    }
}
