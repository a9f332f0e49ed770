using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Newsletter.Tests.Support;

/// <summary>
/// The real executable serving on a free loopback port (Kestrel, not the in-memory test server), so a browser can
/// reach it. Settings come as environment variables; the job server is off unless asked for.
/// </summary>
public sealed class ServedNewsletter : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log;

    private ServedNewsletter(Process process, string baseUrl, System.Text.StringBuilder log)
    {
        _process = process;
        BaseUrl = baseUrl;
        _log = log;
    }

    public string BaseUrl { get; }

    /// <summary>Everything the process has written to stdout and stderr so far.</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Waits (up to 10 s) until the log holds <paramref name="text"/>; console logging is asynchronous.</summary>
    public async Task<string> WaitForLogAsync(string text)
    {
        for (var waited = 0; waited < 10_000 && !Log.Contains(text, StringComparison.Ordinal); waited += 50) await Task.Delay(50);
        return Log;
    }

    /// <summary>
    /// Starts the executable. By default the address comes from the <c>Urls</c> setting; <paramref name="arguments"/>,
    /// given the address, supplies the command line instead (e.g. <c>--urls</c>) and no <c>Urls</c> is set.
    /// </summary>
    public static async Task<ServedNewsletter> StartAsync(
        TestWorkspace workspace, IDictionary<string, string>? settings = null, Func<string, string[]>? arguments = null)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var environment = new Dictionary<string, string>
        {
            ["Site:BaseUrl"] = baseUrl,
            ["Storage:Database"] = workspace.DatabasePath,
            ["Smtp:PickupDirectory"] = workspace.Outbox,
        };
        if (arguments is null) environment["Urls"] = baseUrl;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        var log = new System.Text.StringBuilder();
        var process = NewsletterProcess.Start(environment, arguments?.Invoke(baseUrl) ?? [], line => { lock (log) log.AppendLine(line); });
        var served = new ServedNewsletter(process, baseUrl, log);
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) Assert.Fail($"newsletter exited with {process.ExitCode} before serving: {served.Log}");
            try
            {
                if ((await http.GetAsync(baseUrl + "/healthz")).IsSuccessStatusCode) return served;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }
        await served.DisposeAsync();
        Assert.Fail("newsletter did not answer within 30 s");
        return served;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
