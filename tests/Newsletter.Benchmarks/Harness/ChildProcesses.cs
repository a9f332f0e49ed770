using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Newsletter.Benchmarks.Harness;

/// <summary>
/// Starts and tracks the processes a run needs (this program re-invoked for one measurement, the service, wrk,
/// smtp-source), so that each is ended by its id when it overruns or when the run itself is stopped.
/// </summary>
public static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    /// <summary>What a finished (or stopped) child left behind.</summary>
    public sealed record Outcome(int? ExitCode, bool TimedOut, string Output, string Error, TimeSpan Elapsed, double PeakMb)
    {
        /// <summary>The JSON after the last <c>RESULT </c> line the child printed, if any.</summary>
        public JsonElement? Result =>
            Output.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal)) is { } line
                ? JsonDocument.Parse(line["RESULT ".Length..]).RootElement.Clone()
                : null;

        /// <summary>The first lines of the error output (an unhandled exception's type and message), for a failure message.</summary>
        public string ErrorTail => string.Join(" / ", Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(3)).Trim();
    }

    /// <summary>Starts a process with redirected output; it is ended when the run ends.</summary>
    public static Process Start(string file, IEnumerable<string> args, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        Running[process.Id] = process;
        return process;
    }

    /// <summary>Runs to completion or until <paramref name="timeout"/>, collecting output; lines are echoed to <paramref name="onLine"/>.</summary>
    public static async Task<Outcome> RunAsync(
        string file, IEnumerable<string> args, TimeSpan timeout, IDictionary<string, string>? environment = null,
        Action<string>? onLine = null, string? workingDirectory = null)
    {
        var watch = Stopwatch.StartNew();
        using var process = Start(file, args, environment, workingDirectory);
        var output = new System.Text.StringBuilder();
        var error = new System.Text.StringBuilder();
        var reading = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (output) output.AppendLine(line);
                onLine?.Invoke(line);
            }
        });
        var readingErrors = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
                lock (error) error.AppendLine(line);
        });
        // Sampled from outside as well, so a child stopped at its time limit still has a peak to report.
        var peak = 0.0;
        using var stopSampling = new CancellationTokenSource();
        var sampling = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProcessMemory.PeakMb(process.Id) ?? 0);
                try { await Task.Delay(250, stopSampling.Token); }
                catch (OperationCanceledException) { break; }
            }
        });
        using var cancel = new CancellationTokenSource(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            Stop(process);
        }
        await stopSampling.CancelAsync();
        await sampling;
        await Task.WhenAll(reading, readingErrors).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        Running.TryRemove(process.Id, out _);
        int? exit = process.HasExited ? process.ExitCode : null;
        lock (output) lock (error) return new Outcome(exit, timedOut, output.ToString(), error.ToString(), watch.Elapsed, peak);
    }

    /// <summary>Runs this program again with a verb, so that what it measures has a process (and a peak memory) of its own.</summary>
    public static Task<Outcome> RunSelfAsync(IEnumerable<string> args, TimeSpan timeout, Action<string>? onLine = null) =>
        RunAsync("dotnet", new[] { typeof(ChildProcesses).Assembly.Location }.Concat(args), timeout, onLine: onLine);

    /// <summary>Ends one process (and its children) by id.</summary>
    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // It had already gone.
        }
        Running.TryRemove(process.Id, out _);
    }

    /// <summary>Ends every process this run started and has not yet reaped.</summary>
    public static void StopAll()
    {
        foreach (var process in Running.Values) Stop(process);
    }
}
