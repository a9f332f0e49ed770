using System.Diagnostics;

namespace Newsletter.Tests.Support;

/// <summary>
/// Runs the real executable (as an operator would) from the repository root, with settings in environment variables
/// (<c>Storage:Database</c> becomes <c>Storage__Database</c>). The job server is off and the templates are the
/// repository's unless the settings say otherwise.
/// </summary>
public static class NewsletterProcess
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        /// <summary>
        /// Checks that start-up was refused as an operator should see it: exit code 1, one line on standard error,
        /// "newsletter: …" naming each of <paramref name="names"/>, no stack trace. Returns that line.
        /// </summary>
        public string AssertRefusedToStart(params string[] names)
        {
            Assert.That(ExitCode, Is.EqualTo(1), Output + Error);
            var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines, Has.Length.EqualTo(1), Error);
            Assert.That(lines[0], Does.StartWith("newsletter: "));
            foreach (var name in names) Assert.That(lines[0], Does.Contain(name));
            Assert.That(Error, Does.Not.Contain("   at "), "no stack trace");
            return lines[0];
        }
    }

    /// <summary>How to start it: <c>dotnet Newsletter.dll</c> with <paramref name="args"/> and the settings.</summary>
    public static ProcessStartInfo StartInfo(IDictionary<string, string> settings, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Newsletter.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["Jobs__Server"] = "false";
        start.Environment["Templates__Path"] = RepositoryPaths.Templates;
        // The service compiles every method optimised at its first call (the csproj turns quick JIT off: it pays on a
        // long send). A test's process lives for seconds, so it starts with quick JIT: about 40% less CPU a launch.
        start.Environment["DOTNET_TC_QuickJit"] = "1";
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
        return start;
    }

    /// <summary>
    /// Starts it and returns at once; every line it writes (standard output and error) goes to
    /// <paramref name="onLine"/>, or is read and dropped, so a chatty process never blocks on a full pipe.
    /// </summary>
    public static Process Start(IDictionary<string, string> settings, IEnumerable<string> args, Action<string>? onLine = null)
    {
        var process = Process.Start(StartInfo(settings, args))!;
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) onLine?.Invoke(line.Data); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) onLine?.Invoke(line.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static Result Run(IDictionary<string, string> settings, params string[] args) => RunWithInput(settings, null, args);

    /// <summary>
    /// Runs it to the end with <paramref name="input"/> (when given) written to its standard input; its output is
    /// kept exactly as written (line endings included).
    /// </summary>
    public static Result RunWithInput(IDictionary<string, string> settings, string? input, params string[] args)
    {
        var start = StartInfo(settings, args);
        start.RedirectStandardInput = input is not null;
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("newsletter did not exit within 60 s: " + string.Join(' ', args));
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }
}
