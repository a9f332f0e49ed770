using System.Diagnostics;

namespace Newsletter.Tests.Support;

/// <summary>Runs the real executable (as an operator would) with settings in environment variables.</summary>
public static class NewsletterProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(IDictionary<string, string> settings, params string[] args) => RunWithInput(settings, null, args);

    /// <summary>Runs it with <paramref name="input"/> (when given) written to its standard input.</summary>
    public static Result RunWithInput(IDictionary<string, string> settings, string? input, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Newsletter.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            WorkingDirectory = RepositoryPaths.Root,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["Jobs__Server"] = "false";
        start.Environment["Templates__Path"] = RepositoryPaths.Templates;
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;
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
