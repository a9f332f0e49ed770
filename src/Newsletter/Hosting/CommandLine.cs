using System.CommandLine;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Options;
using Newsletter.ForYou;
using Newsletter.Foundation;
using Newsletter.Storage;
using Newsletter.Templates;

namespace Newsletter.Hosting;

/// <summary>
/// One executable, several verbs: none (or <c>serve</c>) serves the web app and jobs; the others run once and exit.
/// Exit codes: 0 done, 1 a start-up problem (bad settings, broken templates, an unusable database, the port in
/// use) said in one line, 2 an unknown verb or option (the usage is printed).
/// </summary>
public static class CommandLine
{
    private const string ServeVerb = "serve";

    // Set once the server listens (see CreateBuilder's log filter).
    private static volatile bool _serving;

    /// <summary>Creates the host builder; verbs log warnings and errors to stderr so their own output stays clean.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var serves = args.Length == 0 || args[0].StartsWith('-') || args[0] == ServeVerb;
        var hostArguments = !serves ? [] : args.Length > 0 && args[0] == ServeVerb ? args[1..] : args;
        var builder = WebApplication.CreateBuilder(hostArguments);
        if (serves)
        {
            // Until the server listens, the host's own error log would repeat, with a stack trace, the start-up failure
            // that RunAsync reports in one line (or that surfaces as an unhandled exception anyway); afterwards it logs.
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host",
                level => level >= LogLevel.Information && (_serving || level < LogLevel.Error));
        }
        else
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
        var host = new AppServices(builder, Prepare);
        var root = new RootCommand("Newsletter: new research papers that match your readers' interests, by email.\n" +
                                   "Without a verb it serves the web pages, the JSON API and the background jobs;\n" +
                                   "ASP.NET Core's switches (--urls, --environment, --Section:Key value) apply then.");
        var serve = new Command(ServeVerb, "Serve the web pages, the JSON API and the background jobs (the default)");
        // Serving takes ASP.NET Core's own switches, which this parser does not know; UsageProblem checks them.
        root.TreatUnmatchedTokensAsErrors = false;
        serve.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((_, cancellationToken) => ServeAsync(host, mapEndpoints, cancellationToken));
        serve.SetAction((_, cancellationToken) => ServeAsync(host, mapEndpoints, cancellationToken));
        root.Subcommands.Add(serve);
        foreach (var verb in verbs) root.Subcommands.Add(verb(host));

        var parsed = root.Parse(args);
        if (UsageProblem(parsed, builder.Configuration) is { } problem)
        {
            await Console.Error.WriteLineAsync("newsletter: " + problem);
            await PrintUsageAsync(root, parsed);
            return ExitCodes.UsageError;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (Describe(e) is { } line)
        {
            await Console.Error.WriteLineAsync("newsletter: " + line);
            return ExitCodes.Failed;
        }
    }

    /// <summary>Checks everything that can stop start-up, in the order an operator would fix it.</summary>
    private static WebApplication Prepare(WebApplication app)
    {
        app.Services.GetService<IStartupValidator>()?.Validate();
        app.Services.GetRequiredService<TemplateCatalog>();
        app.Services.GetRequiredService<Migrator>().Migrate();
        // Models stored as JSON before migration 0028 need code to convert, so once here rather than on every plan or preview.
        app.Services.GetRequiredService<TasteModelStore>().PackStored();
        return app;
    }

    private static async Task<int> ServeAsync(AppServices host, Action<WebApplication> mapEndpoints, CancellationToken cancellationToken)
    {
        var app = host.App;
        mapEndpoints(app);
        app.Lifetime.ApplicationStarted.Register(() => _serving = true);
        // Read now: a failed start disposes the app and its configuration with it.
        var urls = app.Configuration[WebHostDefaults.ServerUrlsKey] ?? "http://localhost:5000";
        try
        {
            await app.RunAsync(cancellationToken);
            return 0;
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            await Console.Error.WriteLineAsync($"newsletter: {urls} is in use: set Urls");
            return ExitCodes.Failed;
        }
    }

    /// <summary>Why the arguments cannot run, or null when they can.</summary>
    private static string? UsageProblem(ParseResult parsed, IConfiguration configuration)
    {
        if (parsed.Errors.Count > 0) return parsed.Errors[0].Message;
        var tokens = parsed.UnmatchedTokens;
        var serves = parsed.CommandResult.Command is RootCommand || parsed.CommandResult.Command.Name == ServeVerb;
        // The parser's own check for unmatched tokens follows the root command's setting, so verbs are checked here.
        if (!serves && tokens.Count > 0)
            return tokens[0].StartsWith('-') ? $"unknown option '{tokens[0]}'" : $"unexpected argument '{tokens[0]}'";
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal))
                return i == 0 && parsed.CommandResult.Command is RootCommand ? $"unknown verb '{token}'" : $"unexpected argument '{token}'";
            var key = token[2..];
            var equals = key.IndexOf('=');
            if (equals >= 0) key = key[..equals];
            else if (++i >= tokens.Count) return $"option '{token}' needs a value";
            if (!IsSetting(key, configuration)) return $"unknown option '{token}'";
        }
        return null;
    }

    // A switch is a host setting (--urls, --environment, ...) or a setting's full path (--Site:BaseUrl, --Kestrel:Limits:…),
    // which ASP.NET Core reads as configuration; a bare word that is neither, such as the typo --url, is refused
    // instead of silently ignored.
    private static bool IsSetting(string key, IConfiguration configuration) =>
        key.Length > 0 && (HostSwitches.Contains(key) || (key.Contains(':') && !key.StartsWith(':') && !key.EndsWith(':'))
                           || IsSection(key, configuration));

    // A bare section name that the settings files or the environment already have (the command line itself is left
    // out: it holds every switch given, typos included).
    private static bool IsSection(string key, IConfiguration configuration)
    {
        var providers = configuration is IConfigurationRoot root ? root.Providers : [];
        return providers.Where(p => p is not CommandLineConfigurationProvider)
            .Any(p => p.GetChildKeys([], null).Contains(key, StringComparer.OrdinalIgnoreCase));
    }

    private static readonly HashSet<string> HostSwitches = new(StringComparer.OrdinalIgnoreCase)
    {
        WebHostDefaults.ServerUrlsKey, WebHostDefaults.EnvironmentKey, WebHostDefaults.ContentRootKey,
        WebHostDefaults.ApplicationKey, WebHostDefaults.HttpPortsKey, WebHostDefaults.HttpsPortsKey,
        WebHostDefaults.WebRootKey, WebHostDefaults.DetailedErrorsKey, WebHostDefaults.ShutdownTimeoutKey,
        WebHostDefaults.PreferHostingUrlsKey, WebHostDefaults.SuppressStatusMessagesKey,
    };

    private static async Task PrintUsageAsync(RootCommand root, ParseResult parsed)
    {
        var path = new List<string>();
        for (var result = parsed.CommandResult; result.Command is not RootCommand; result = (System.CommandLine.Parsing.CommandResult)result.Parent!)
            path.Insert(0, result.Command.Name);
        path.Add("--help");
        await root.Parse(path).InvokeAsync(new InvocationConfiguration { Output = Console.Error });
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
