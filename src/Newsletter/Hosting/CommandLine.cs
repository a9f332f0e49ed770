using System.CommandLine;
using Microsoft.Extensions.Options;
using Newsletter.Templates;

namespace Newsletter.Hosting;

/// <summary>
/// One executable, several verbs: none serves the web app and jobs; the others run once and exit. Start-up
/// problems (bad settings, broken templates, an unusable database) end in one clear line and exit code 1.
/// </summary>
public static class CommandLine
{
    /// <summary>Creates the host builder; verbs log warnings and errors to stderr so their own output stays clean.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var isVerb = args.Length > 0 && !args[0].StartsWith('-');
        var builder = WebApplication.CreateBuilder(isVerb ? [] : args);
        if (isVerb)
        {
            // Configured log levels would override a minimum set in code, so a verb adds its own (last) source:
            // its output is what it prints, logs only say what went wrong.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Microsoft"] = "Error",
                ["Logging:LogLevel:Hangfire"] = "Error",
            });
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
        return builder;
    }

    /// <summary>Parses the arguments and runs the verb, or serves when there is none.</summary>
    public static async Task<int> RunAsync(
        string[] args, WebApplicationBuilder builder, Action<WebApplication> mapEndpoints, params Func<AppServices, Command>[] verbs)
    {
        var host = new AppServices(builder);
        var root = new RootCommand("Newsletter: new research papers that match your readers' interests, by email.\n" +
                                   "Without a verb it serves the web pages, the JSON API and the background jobs.");
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction(async (_, cancellationToken) =>
        {
            var app = host.App;
            mapEndpoints(app);
            await app.RunAsync(cancellationToken);
            return 0;
        });
        foreach (var verb in verbs) root.Subcommands.Add(verb(host));

        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (Describe(e) is { } line)
        {
            await Console.Error.WriteLineAsync("newsletter: " + line);
            return 1;
        }
    }

    /// <summary>The one line an operator needs for a start-up failure, or null for an unexpected error.</summary>
    private static string? Describe(Exception e) => e switch
    {
        ConfigurationException c => c.Message,
        OptionsValidationException o => string.Join("; ", o.Failures),
        TemplateException t => t.Message.ReplaceLineEndings(" "),
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerException!),
        _ => null,
    };
}
