using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Storage;

namespace Newsletter.Tests.Support;

/// <summary>
/// The real HTTP pipeline on a real SQLite file in the test's workspace, with the pickup folder for mail and no
/// background job server (tests run jobs themselves, at times they choose).
/// </summary>
public sealed class NewsletterFactory(TestWorkspace workspace, IDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(RepositoryPaths.Root);
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:Database", workspace.DatabasePath);
        builder.UseSetting("Smtp:PickupDirectory", workspace.Outbox);
        builder.UseSetting("Smtp:Host", "");
        builder.UseSetting("Jobs:Server", "false");
        builder.UseSetting("Templates:Path", RepositoryPaths.Templates);
        builder.UseSetting("Site:BaseUrl", "http://localhost");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
    }

    /// <summary>A service from the app, built and migrated on first use.</summary>
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Starts the app (which migrates the database) and returns it.</summary>
    public NewsletterFactory Started()
    {
        _ = Server;
        _ = Get<Migrator>();
        return this;
    }
}
