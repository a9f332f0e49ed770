using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Storage;

namespace Newsletter.Benchmarks.Harness;

/// <summary>
/// The real application composed by its own Program.cs (every AddXxx() it lists), on a given database file and
/// settings, with no job server: benchmarks call the services the jobs would call.
/// </summary>
public sealed class BenchHost : WebApplicationFactory<Program>
{
    private readonly string repo;
    private readonly IDictionary<string, string?> settings;

    public BenchHost(string repo, IDictionary<string, string?> settings)
    {
        this.repo = repo;
        this.settings = settings;
        // The factory looks for the content root beside a solution file above the binary; bench.sh builds into a
        // temporary folder, so name the root the documented way instead.
        var assembly = typeof(Program).Assembly.GetName().Name!.ToUpperInvariant().Replace('.', '_');
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_" + assembly, repo);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(repo);
        builder.UseEnvironment("Production");
        builder.UseSetting("Jobs:Server", "false");
        builder.UseSetting("Templates:Path", Path.Combine(repo, "templates"));
        // Console logging per message would measure the terminal, not the service.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft", "Warning");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
    }

    /// <summary>A service of the app; the database is migrated before the first one is handed out.</summary>
    public T Get<T>() where T : notnull
    {
        if (!_migrated)
        {
            Services.GetRequiredService<Migrator>().Migrate();
            _migrated = true;
        }
        return Services.GetRequiredService<T>();
    }

    private bool _migrated;
}
