using System.Diagnostics;
using Newsletter.Benchmarks.Harness;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>postfix's smtp-source: the reference rate for sending messages of a given size to the same sink.</summary>
public static class SmtpSource
{
    private const string Executable = "/usr/sbin/smtp-source";

    /// <summary>A finished smtp-source run: its wall time and the bytes the sink read per message, when known.</summary>
    public sealed record Run(int Messages, double Seconds, double? SinkBytesPerMessage, string? Error)
    {
        public double Rate => Seconds > 0 ? Messages / Seconds : 0;
    }

    /// <summary>
    /// Sends <paramref name="messages"/> messages with <paramref name="payload"/> bytes of body over
    /// <paramref name="connections"/> reused connections (<c>-d</c>: do not disconnect after each message).
    /// </summary>
    public static async Task<Run> SendAsync(BenchOptions options, int connections, int messages, int payload)
    {
        var before = options.SinkPid is { } pid ? ProcessMemory.BytesRead(pid) : null;
        var watch = Stopwatch.StartNew();
        var outcome = await ChildProcesses.RunAsync(Executable,
            ["-d", "-s", connections.ToString(), "-m", messages.ToString(), "-l", payload.ToString(),
             "-f", "digest@newsletter.localhost", "-t", "reader@bench.example.com", $"{options.SinkHost}:{options.SinkPort}"],
            options.SendTimeout);
        var seconds = watch.Elapsed.TotalSeconds;
        var after = options.SinkPid is { } pid2 ? ProcessMemory.BytesRead(pid2) : null;
        var error = outcome.TimedOut ? "timed out" : outcome.ExitCode != 0 ? $"exit {outcome.ExitCode}: {outcome.ErrorTail}" : null;
        return new Run(messages, seconds, before is { } b && after is { } a ? (a - b) / (double)messages : null, error);
    }
}
