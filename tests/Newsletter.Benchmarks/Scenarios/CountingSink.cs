using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Newsletter.Benchmarks.Harness;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// A postfix smtp-sink of one measurement's own, on a free loopback port, with its running counter on (<c>-c</c>:
/// "mesg=N" each time a message ends), so a run can say how many messages the SMTP server accepted, and so compare
/// them with the ledger: as many messages as readers, and one sent row each, is every reader exactly one digest.
/// </summary>
public sealed partial class CountingSink : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _reading;
    private long _messages;

    private CountingSink(Process process, int port)
    {
        _process = process;
        Port = port;
        _reading = Task.Run(ReadCounterAsync);
    }

    public int Port { get; }

    /// <summary>Messages accepted so far.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>The sink's CPU seconds so far (it shares the machine's cores with the nodes and the database).</summary>
    public double CpuSeconds => ProcessCpu.Seconds(_process.Id) ?? 0;

    public static async Task<CountingSink> StartAsync()
    {
        int port;
        using (var listener = new TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        string[] user = Environment.UserName == "root" ? ["-u", "nobody"] : [];
        var sink = new CountingSink(ChildProcesses.Start("/usr/sbin/smtp-sink", ["-c", .. user, $"127.0.0.1:{port}", "256"]), port);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return sink;
            }
            catch (SocketException)
            {
                if (sink._process.HasExited) break;
                await Task.Delay(50);
            }
        }
        await sink.DisposeAsync();
        throw new InvalidOperationException("smtp-sink did not start");
    }

    /// <summary>The count once it has reached <paramref name="expected"/> or stopped moving for a second.</summary>
    public async Task<long> SettledAsync(long expected)
    {
        var last = -1L;
        for (var stable = 0; Messages < expected && stable < 10; await Task.Delay(100))
            (stable, last) = Messages == last ? (stable + 1, last) : (0, Messages);
        return Messages;
    }

    private async Task ReadCounterAsync()
    {
        var buffer = new char[4096];
        var pending = "";
        int read;
        while ((read = await _process.StandardOutput.ReadAsync(buffer)) > 0)
        {
            // Each update ends with '\r'; the last whole one holds the count.
            pending += new string(buffer, 0, read);
            var end = pending.LastIndexOf('\r');
            if (end < 0) continue;
            var match = Counter().Matches(pending[..end]).LastOrDefault();
            if (match is not null) Interlocked.Exchange(ref _messages, long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            pending = pending[(end + 1)..];
        }
    }

    [GeneratedRegex(@"mesg=(\d+)")]
    private static partial Regex Counter();

    public async ValueTask DisposeAsync()
    {
        ChildProcesses.Stop(_process);
        await _reading.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        _process.Dispose();
    }
}
