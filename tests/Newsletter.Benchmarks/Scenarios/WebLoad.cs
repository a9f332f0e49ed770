using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Newsletter.Benchmarks.Harness;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// Scenario 4: the real executable serving on a free loopback port, on the same database file scenario 3 is
/// planning and sending from, loaded by wrk with subscribe-API requests (a new address each): requests per
/// second, p99 latency, non-2xx answers, socket errors and "database is locked" failures in the service's log.
/// </summary>
public sealed class WebLoad : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly Task _draining;

    private WebLoad(Process process, int port)
    {
        _process = process;
        Port = port;
        _draining = Task.WhenAll(Drain(process.StandardOutput), Drain(process.StandardError));
    }

    public int Port { get; }

    /// <summary>CPU time the service has used so far: on a shared machine, the figure that does not depend on others' load.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>What wrk measured, and what the service logged meanwhile.</summary>
    public sealed record Measurement(long Requests, double Seconds, double P50Ms, double P99Ms, long NotSuccess, long SocketErrors, long DatabaseBusy)
    {
        public double RequestsPerSecond => Seconds > 0 ? Requests / Seconds : 0;
        public bool Clean => NotSuccess == 0 && SocketErrors == 0 && DatabaseBusy == 0 && Requests > 0;
    }

    /// <summary>Starts the service on <paramref name="databasePath"/> (with <paramref name="settings"/> on top) and waits until it answers.</summary>
    public static async Task<WebLoad> StartAsync(BenchOptions options, string databasePath, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "Newsletter.dll");
        var environment = new Dictionary<string, string>
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Storage__Database"] = databasePath,
            ["Jobs__Server"] = "false",
            ["Smtp__Host"] = "",
            ["Smtp__PickupDirectory"] = Path.Combine(options.Work, "web-outbox"),
            ["Templates__Path"] = Path.Combine(options.Repo, "templates"),
            ["Site__BaseUrl"] = "http://newsletter.example.com",
            ["Logging__LogLevel__Default"] = "Warning",
            // All of wrk's requests come from one address: without this the per-IP rate limit, not the service, is measured.
            ["Subscriptions__SubscribePermitsPerMinute"] = "1000000",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        var web = new WebLoad(ChildProcesses.Start("dotnet", [dll], environment, options.Repo), port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (web._process.HasExited) throw new InvalidOperationException("the service exited at start: " + web.LogTail());
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/api/topics")).IsSuccessStatusCode) return web;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        await web.DisposeAsync();
        throw new InvalidOperationException("the service did not answer on /api/topics within 60 s");
    }

    /// <summary>Runs wrk against POST /api/subscriptions for <paramref name="seconds"/> seconds.</summary>
    public async Task<Measurement> LoadAsync(BenchOptions options, IReadOnlyList<string> topicSlugs, int seconds)
    {
        var script = Path.Combine(options.Work, "subscribe.lua");
        await File.WriteAllTextAsync(script, LuaScript(topicSlugs, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var outcome = await ChildProcesses.RunAsync("wrk",
            ["-t2", "-c16", $"-d{seconds}s", "--timeout", "10s", "--latency", "-s", script, $"http://127.0.0.1:{Port}/api/subscriptions"],
            TimeSpan.FromSeconds(seconds + 60));
        var line = outcome.Output.Split('\n').FirstOrDefault(l => l.StartsWith("WRK ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no summary (exit {outcome.ExitCode}): {outcome.ErrorTail}");
        var values = line[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
        return new Measurement(
            values["requests"], values["duration_us"] / 1e6, values["p50_us"] / 1000.0, values["p99_us"] / 1000.0,
            values["non2xx"], values["connect"] + values["read"] + values["write"] + values["timeout"],
            DatabaseBusyCount());
    }

    /// <summary>Lines of the service's log that report SQLite's busy/locked errors.</summary>
    public long DatabaseBusyCount()
    {
        lock (_log)
        {
            return _log.ToString().Split('\n').Count(l =>
                l.Contains("database is locked", StringComparison.OrdinalIgnoreCase) ||
                l.Contains("SQLITE_BUSY", StringComparison.OrdinalIgnoreCase) ||
                l.Contains("SQLite Error 5", StringComparison.OrdinalIgnoreCase));
        }
    }

    private string LogTail()
    {
        lock (_log) return string.Join(" / ", _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
    }

    private async Task Drain(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
            lock (_log) _log.AppendLine(line);
    }

    private static string LuaScript(IReadOnlyList<string> topicSlugs, long run)
    {
        var topics = string.Join(", ", topicSlugs.Select(s => $"\"{s}\""));
        return $$"""
            -- wrk script: POST /api/subscriptions with a new address on every request (written by the benchmark run).
            local topics = { {{topics}} }
            local threads = {}

            function setup(thread)
              table.insert(threads, thread)
              thread:set("tid", #threads)
            end

            function init(args)
              counter = 0
              failed = 0
            end

            function request()
              counter = counter + 1
              local a = topics[(counter % #topics) + 1]
              local b = topics[((counter * 7) % #topics) + 1]
              local body = string.format(
                '{"email":"load%d-%d-%d@bench.example.org","topics":["%s","%s"],"keywords":["sparse attention"],"frequency":"daily"}',
                {{run}}, tid, counter, a, b)
              return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
            end

            function response(status, headers, body)
              if status < 200 or status > 299 then failed = failed + 1 end
            end

            function done(summary, latency, requests)
              local non2xx = 0
              for _, t in ipairs(threads) do non2xx = non2xx + (t:get("failed") or 0) end
              io.write(string.format(
                "WRK requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d status=%d\n",
                summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), non2xx,
                summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
            end
            """;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        ChildProcesses.Stop(_process);
        await _draining.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        _process.Dispose();
    }
}
