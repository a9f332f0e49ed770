using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using Newsletter.Benchmarks.Data;
using Newsletter.Benchmarks.Harness;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Storage;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// Scenario 3 (with scenario 4 running beside it): 20,000 due readers planned, matched, rendered, signed when DKIM
/// is configured and sent to smtp-sink by the real services in a process of their own; then smtp-source sends as
/// many messages of the same average size over the same number of connections to the same sink.
/// </summary>
public static class SendScenario
{
    public const string Verb = "child-send";
    // Issue 13's send targets: CPU per digest sent (signed with RSA-2048, or unsigned) and peak memory. The ratio to
    // smtp-source is still reported, no longer judged: RSA-2048 signing alone caps a signed digest below 0.60 here.
    private const double TargetCpuMsSigned = 1.2;
    private const double TargetCpuMsUnsigned = 0.6;
    private const double TargetPeakMb = 250;

    public static async Task RunAsync(BenchOptions options, BenchData data, ResultsTable table, string historyPath)
    {
        if (options.SinkPort == 0)
        {
            Console.WriteLine("send: skipped (no --sink host:port; tests/bench.sh starts smtp-sink and passes it)");
            return;
        }
        var connections = options.Connections;
        var dkimKey = Path.Combine(options.Work, "dkim.pem");
        using (var rsa = RSA.Create(2048)) await File.WriteAllTextAsync(dkimKey, rsa.ExportRSAPrivateKeyPem());
        var size = $"{Format.Count(options.SendDigests)} digests, {connections} connections";

        // Two runs of the same work. The first has the machine to itself, as smtp-source will: its rate is the one
        // compared. The second serves scenario 4's load beside it (the service's pages on the same database file):
        // that is where the web figures come from, with the send rate under load noted beside them.
        var clean = await SendOnceAsync(options, data, historyPath, dkimKey, withWeb: false);
        var digestRate = clean.Seconds > 0 ? clean.Sent / clean.Seconds : 0;
        if (options.WebSeconds > 0)
        {
            var loaded = await SendOnceAsync(options, data, historyPath, dkimKey, withWeb: true);
            RecordWeb(table, loaded.Web, loaded.WebProblem, loaded.Seconds, loaded.Sent);
        }

        // smtp-source adds its own headers and SMTP commands around the payload: measure that overhead on a small
        // run, then choose the payload so the sink reads as many bytes per message as it did per digest.
        var averageBytes = clean.SinkBytes ?? (clean.ComposedBytes > 0 ? clean.ComposedBytes : 30_000);
        var payload = (int)Math.Max(100, averageBytes - 300);
        var calibration = await SmtpSource.SendAsync(options, connections, 200, 10_000);
        if (calibration.SinkBytesPerMessage is { } perMessage) payload = (int)Math.Max(100, averageBytes - (perMessage - 10_000));
        var reference = await SmtpSource.SendAsync(options, connections, options.SendDigests, payload);
        var ratio = reference.Rate > 0 ? digestRate / reference.Rate : 0;

        var notes = clean.Notes;
        notes.Add($"{Format.Count(clean.Generated.Readers)} readers, {Format.Count(clean.Generated.DistinctFilters)} distinct filters");
        notes.Add($"average message {averageBytes / 1024:0.0} KB " +
                  (clean.SinkBytes is not null ? "read by the sink per digest" : clean.ComposedBytes > 0 ? "rendered" : "assumed") +
                  $", smtp-source's {(reference.SinkBytesPerMessage ?? payload) / 1024:0.0} KB");
        if (reference.Error is not null) notes.Add($"smtp-source: {reference.Error}");
        var cpuTarget = options.Dkim ? TargetCpuMsSigned : TargetCpuMsUnsigned;
        var cpu = clean.SendCpuMs is { } ms ? $"{ms.ToString("0.00", CultureInfo.InvariantCulture)} ms of CPU per digest sending" : "CPU not measured";
        table.Record("send", size,
            $"send: {cpu}; peak RSS {Format.Mb(clean.PeakMb)}; {Format.Count(clean.Sent)} digests in {Format.Seconds(clean.Seconds)} = " +
            $"{Format.Number(digestRate, 1)} digests/s vs smtp-source {Format.Number(reference.Rate, 1)} messages/s = {ratio:0.00} ({string.Join("; ", notes)})",
            $"≤ {cpuTarget.ToString("0.0", CultureInfo.InvariantCulture)} ms CPU per digest, peak ≤ {TargetPeakMb:0} MB",
            clean.SendCpuMs <= cpuTarget && clean.PeakMb <= TargetPeakMb);
        // The run's last line.
        Console.WriteLine(
            $"send: {cpu}; peak RSS {clean.PeakMb.ToString("0", CultureInfo.InvariantCulture)} MB; {digestRate.ToString("0.0", CultureInfo.InvariantCulture)} digests/s " +
            $"vs smtp-source {reference.Rate.ToString("0.0", CultureInfo.InvariantCulture)} = {ratio.ToString("0.00", CultureInfo.InvariantCulture)}");
    }

    private sealed record SendRun(
        int Sent, double Seconds, double PeakMb, double? SendCpuMs, double ComposedBytes, double? SinkBytes, List<string> Notes,
        ReaderGenerator.Summary Generated, WebLoad.Measurement? Web, string? WebProblem);

    /// <summary>Fresh readers on a copy of the history, planned and sent by a child process; with the web load beside it when asked.</summary>
    private static async Task<SendRun> SendOnceAsync(BenchOptions options, BenchData data, string historyPath, string dkimKey, bool withWeb)
    {
        var lastSeq = PlanScenario.LastSeqBefore(historyPath, options.NewPapers);
        var at = DateTimeOffset.UtcNow;
        var database = BenchData.Copy(historyPath, withWeb ? "send-web.db" : "send.db");
        var generated = data.Readers(seed: 23).Insert(database, options.SendDigests, lastSeq, at.AddHours(-1), "digest");
        BenchData.Settle(database);
        if (!withWeb && options.Keep is not null)
        {
            // To send the same digests again with the child alone (what the run prints is its command line).
            PlanScenario.KeepCopy(options, database);
            File.Copy(dkimKey, Path.Combine(options.Keep, "dkim.pem"), overwrite: true);
            Console.WriteLine($"send: kept {Path.Combine(options.Keep, Path.GetFileName(database))}: child-send --repo {options.Repo} " +
                              $"--db COPY --at {at.ToString("O", CultureInfo.InvariantCulture)} --sink HOST:PORT --connections {options.Connections} " +
                              $"[--dkim-key {Path.Combine(options.Keep, "dkim.pem")}] [--profile 1]");
        }

        // Scenario 4 shares the database file with the send run, as the service's web pages share it with its jobs.
        WebLoad? web = null;
        string? webProblem = null;
        if (withWeb)
        {
            try
            {
                web = await WebLoad.StartAsync(options, database);
            }
            catch (InvalidOperationException e)
            {
                webProblem = e.Message;
            }
        }

        var sinkBefore = options.SinkPid is { } pid ? ProcessMemory.BytesRead(pid) : null;
        Task<WebLoad.Measurement>? load = null;
        var outcome = await ChildProcesses.RunSelfAsync(
            [Verb, "--repo", options.Repo, "--db", database, "--at", at.ToString("O", CultureInfo.InvariantCulture),
             "--sink", $"{options.SinkHost}:{options.SinkPort}", "--connections", options.Connections.ToString(CultureInfo.InvariantCulture),
             .. (options.Dkim ? new[] { "--dkim-key", dkimKey } : []), .. (options.Profile ? new[] { "--profile", "1" } : [])],
            options.SendTimeout,
            line =>
            {
                if (line.StartsWith("PROFILE ", StringComparison.Ordinal)) Console.WriteLine("send " + line);
                if (line == "PHASE start" && web is not null)
                    load ??= web.LoadAsync(options, data.Topics.Select(t => t.Slug).ToList(), options.WebSeconds);
            });
        var sinkAfter = options.SinkPid is { } pid2 ? ProcessMemory.BytesRead(pid2) : null;

        WebLoad.Measurement? measured = null;
        if (load is not null)
        {
            try { measured = await load; }
            catch (InvalidOperationException e) { webProblem = e.Message; }
        }
        if (web is not null) await web.DisposeAsync();

        // A run stopped at its time limit is still measured: what the ledger holds, and the child's peak from outside.
        int sent;
        double total, peak, composedBytes;
        double? sendCpuMs = null;
        var notes = new List<string>();
        if (outcome.Result is { } result)
        {
            sent = result.GetProperty("sent").GetInt32();
            var planSeconds = result.GetProperty("planSeconds").GetDouble();
            var sendSeconds = result.GetProperty("sendSeconds").GetDouble();
            total = planSeconds + sendSeconds;
            peak = result.GetProperty("peakMb").GetDouble();
            composedBytes = result.GetProperty("composedBytes").GetDouble();
            notes.Add($"plan {Format.Seconds(planSeconds)} + send {Format.Seconds(sendSeconds)} " +
                      $"({Format.Number(sent / Math.Max(sendSeconds, 1e-9))} digests/s sending alone)");
            if (result.TryGetProperty("cpuSeconds", out var cpu) && sent > 0)
                notes.Add($"{cpu.GetDouble() * 1000 / sent:0.00} ms of CPU per digest with planning and start-up");
            if (result.TryGetProperty("sendCpuSeconds", out var sendCpu) && sent > 0)
                sendCpuMs = sendCpu.GetDouble() * 1000 / sent;
            if (result.TryGetProperty("jitSeconds", out var jit))
                notes.Add($"sending: JIT {jit.GetDouble():0.00} s for {result.GetProperty("jitMethods").GetInt64()} methods; threads {result.GetProperty("sendThreads").GetString()}");
            if (result.TryGetProperty("sendPeakMb", out var sendPeak))
                notes.Add($"peak RSS {Format.Mb(result.GetProperty("planPeakMb").GetDouble())} planning, {Format.Mb(sendPeak.GetDouble())} sending");
            notes.Add($"ledger {result.GetProperty("states").GetString()}");
            notes.Add(result.GetProperty("connectionsNote").GetString()!);
            notes.Add(result.GetProperty("dkimNote").GetString()!);
            if (result.TryGetProperty("fragments", out var fragments))
                notes.Add($"{Format.Count(fragments.GetInt32())} paper fragments" +
                    (result.TryGetProperty("pieces", out var pieces) ? $" and {Format.Count(pieces.GetInt32())} reader pieces" : "") +
                    $" for {Format.Count(result.GetProperty("items").GetInt32())} papers sent");
        }
        else
        {
            sent = (int)BenchData.Scalar(database, "SELECT COUNT(*) FROM deliveries WHERE state = 'sent'");
            var planned = BenchData.Scalar(database,
                $"SELECT COUNT(*) FROM subscribers WHERE next_due_at > '{UtcTimestampHandler.ToText(at)}'");
            total = outcome.Elapsed.TotalSeconds;
            peak = outcome.PeakMb;
            composedBytes = RenderedSize(options, database);
            notes.Add(outcome.TimedOut
                ? $"STOPPED at the {Format.Seconds(options.SendTimeout.TotalSeconds)} limit with {Format.Count(planned)} of " +
                  $"{Format.Count(options.SendDigests)} readers planned and {Format.Count(sent)} digests sent"
                : $"FAILED (exit {outcome.ExitCode}: {outcome.ErrorTail})");
        }
        BenchData.Delete(database);
        var sinkBytes = sinkBefore is { } b && sinkAfter is { } a && sent > 0 ? (a - b) / (double)sent : (double?)null;
        return new SendRun(sent, total, peak, sendCpuMs, composedBytes, sinkBytes, notes, generated, measured, webProblem);
    }

    /// <summary>Average size of up to 50 ledger rows rendered by the app (when the send child left no figure).</summary>
    private static double RenderedSize(BenchOptions options, string database)
    {
        try
        {
            using var host = new BenchHost(options.Repo, new Dictionary<string, string?> { ["Storage:Database"] = database });
            using var connection = new Database(database).Open();
            return ComposedSize(host, connection);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine("could not render sample digests: " + e.Message);
            return 0;
        }
    }

    private static void RecordWeb(ResultsTable table, WebLoad.Measurement? measured, string? problem, double? sendSeconds, int sent)
    {
        const string target = "no errors, no database-busy failures";
        if (measured is null)
        {
            table.Record("web", "subscribe API, wrk 2 threads × 16 connections", $"web: not measured: {problem ?? "the send run did not start"}", target, false);
            return;
        }
        var overlap = sendSeconds is not { } s ? ""
            : (s >= measured.Seconds ? $"; all {Format.Seconds(measured.Seconds)} of wrk's load fell within the {Format.Seconds(s)} send run"
               : $"; the send run ({Format.Seconds(s)}) overlapped only part of wrk's {Format.Seconds(measured.Seconds)}")
              + $", which sent {Format.Count(sent)} digests at {Format.Number(sent / Math.Max(s, 1e-9))}/s beside it";
        table.Record("web", "subscribe API, wrk 2 threads × 16 connections",
            $"web: {Format.Number(measured.RequestsPerSecond)} subscribe requests/s, p50 {measured.P50Ms:0.0} ms, p99 {measured.P99Ms:0.0} ms, " +
            $"{Format.Count(measured.Requests)} requests: {Format.Count(measured.NotSuccess)} non-2xx, {Format.Count(measured.SocketErrors)} socket errors, " +
            $"{Format.Count(measured.DatabaseBusy)} database-busy{overlap}",
            target, measured.Clean);
    }

    /// <summary>The child: plan and send everything due at --at to the sink, report times, ledger states and memory.</summary>
    public static async Task<int> ChildAsync(ChildArguments args)
    {
        var at = DateTimeOffset.Parse(args["at"], CultureInfo.InvariantCulture);
        var sink = args["sink"];
        var settings = args.HostSettings();
        settings["Smtp:Host"] = sink[..sink.LastIndexOf(':')];
        settings["Smtp:Port"] = sink[(sink.LastIndexOf(':') + 1)..];
        settings["Smtp:Security"] = "none";
        // Set even where this build does not know the key yet: configuration ignores keys nobody binds.
        settings["Delivery:Connections"] = args["connections"];
        if (args.Optional("dkim-key") is { } key)
        {
            settings["Dkim:Domain"] = "newsletter.localhost";
            settings["Dkim:Selector"] = "bench";
            settings["Dkim:PrivateKeyPath"] = key;
        }
        using var host = new BenchHost(args["repo"], settings);
        var planner = host.Get<DigestPlanner>();
        var sender = host.Get<DeliverySender>();
        Console.WriteLine("PHASE start");

        var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var planned = planner.PlanDue(at);
        var planSeconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine("PHASE send");
        var planPeakMb = ProcessMemory.PeakMb();
        // The planning's garbage is not the send's: collected and handed back to the system first (the service plans
        // and sends in separate jobs, with the collector's time between them), so the send's peak is its own. Its
        // CPU is counted with the planning.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var cpuPlanned = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        // The kernel's peak (VmHWM) starts again from what is resident now: what follows is the send's own peak.
        File.WriteAllText("/proc/self/clear_refs", "5");
        // Where that peak starts: what the host and the planning left resident (the send's own growth is above it).
        var sendStartMb = ProcessMemory.CurrentMb();
        // Which threads spend the send's CPU (the workers, the pool composing, the collector, the JIT's own thread),
        // and how much of it compiles methods (the JIT on any thread: with QuickJit off a method is compiled fully
        // optimised on the thread that first calls it).
        var threadsBefore = ThreadCpu.Now();
        var (jitBefore, methodsBefore) = (System.Runtime.JitInfo.GetCompilationTime(), System.Runtime.JitInfo.GetCompiledMethodCount());
        watch.Restart();
        // CLOCK_MONOTONIC in ns (Stopwatch's clock on Linux): `perf record -k mono` samples can be cut to the send.
        var sendStartNs = System.Diagnostics.Stopwatch.GetTimestamp();
        var sent = args.Optional("profile") is null ? await sender.SendDueAsync(at, CancellationToken.None) : await SendProfile.RunAsync(host, at);
        var sendSeconds = watch.Elapsed.TotalSeconds;
        var sendEndNs = System.Diagnostics.Stopwatch.GetTimestamp();
        // CPU time per digest does not depend on what else the machine runs, unlike the rate.
        var cpuAfter = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var cpuSeconds = (cpuAfter - cpuBefore).TotalSeconds;
        var sendCpuSeconds = (cpuAfter - cpuPlanned).TotalSeconds;
        var peakMb = ProcessMemory.PeakMb();
        var threads = ThreadCpu.Since(threadsBefore);
        var jitSeconds = (System.Runtime.JitInfo.GetCompilationTime() - jitBefore).TotalSeconds;
        var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount() - methodsBefore;

        using var connection = new Database(args["db"]).Open();
        // How much the run's per-paper fragments were shared: one per distinct paper sent (the readers' own pieces,
        // their lists of matched filters, are counted apart; highlights are placed while writing, never kept).
        var sentItems = connection.Query<string>("SELECT COALESCE((SELECT l.items FROM frozen_lists l WHERE l.id = d.items_list), d.items_json) FROM deliveries d WHERE d.state = 'sent'")
            .SelectMany(json => DeliveryStore.Items(new DeliveryRow { ItemsJson = json })).ToList();
        var fragments = sentItems.Select(i => i.Paper).Distinct().Count();
        var pieces = sentItems.Select(i => string.Join('\n', i.Labels)).Distinct().Count();
        var states = string.Join(", ", connection.Query<(string State, long Count)>(
            "SELECT state, COUNT(*) FROM deliveries GROUP BY state ORDER BY state").Select(s => $"{s.State} {s.Count}"));
        ChildResult.Print(new
        {
            planned, sent, planSeconds, sendSeconds, cpuSeconds, sendCpuSeconds, jitSeconds, jitMethods, sendStartNs, sendEndNs,
            sendThreads = string.Join(", ", threads.Select(t => $"{t.Key} {t.Value.ToString("0.00", CultureInfo.InvariantCulture)} s")), peakMb = Math.Max(peakMb, planPeakMb), sendPeakMb = peakMb, sendStartMb, planPeakMb, states, fragments, pieces, items = sentItems.Count,
            composedBytes = ComposedSize(host, connection),
            connectionsNote = typeof(DeliveryOptions).GetProperty("Connections") is null
                ? "this build has no Delivery:Connections: one connection"
                : $"Delivery:Connections = {args["connections"]}",
            dkimNote = args.Optional("dkim-key") is null ? "DKIM off (--no-dkim)"
                : typeof(DeliveryOptions).Assembly.GetTypes().Any(t => t.Name.Contains("Dkim", StringComparison.Ordinal))
                    ? "DKIM configured (2048-bit RSA)"
                    : "this build has no DKIM signing: unsigned",
        });
        return 0;
    }

    /// <summary>Average size of a sample of the sent digests, rendered again (the fallback when the sink's byte count is unavailable).</summary>
    private static double ComposedSize(BenchHost host, System.Data.IDbConnection connection)
    {
        try
        {
            DefaultTypeMap.MatchNamesWithUnderscores = true;
            // Read through the ledger's store, which gives each row its frozen list (rows point at it since 0025).
            var ledger = host.Get<DeliveryStore>();
            var rows = connection.Query<long>("SELECT id FROM deliveries ORDER BY state = 'sent' DESC, id LIMIT 50").Select(id => ledger.Find(id)!).ToList();
            if (rows.Count == 0) return 0;
            var composer = host.Get<DigestComposer>();
            return rows.Average(row =>
            {
                using var stream = new MemoryStream();
                composer.Compose(row).Message.WriteTo(stream);
                return (double)stream.Length;
            });
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("could not render sample digests: " + e.Message);
            return 0;
        }
    }
}
