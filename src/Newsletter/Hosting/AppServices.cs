using Microsoft.Extensions.Options;
using Newsletter.Storage;
using Newsletter.Templates;

namespace Newsletter.Hosting;

/// <summary>
/// The built application, prepared on first use: settings validated, templates parsed, database migrated.
/// Command-line verbs use its services without starting the web server or the job server.
/// </summary>
public sealed class AppServices(WebApplicationBuilder builder)
{
    private WebApplication? _app;

    /// <summary>The prepared application (built once).</summary>
    public WebApplication App => _app ??= Prepare(builder.Build());

    public IServiceProvider Services => App.Services;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Checks everything that can stop start-up, in the order an operator would fix it.</summary>
    public static WebApplication Prepare(WebApplication app)
    {
        app.Services.GetService<IStartupValidator>()?.Validate();
        app.Services.GetRequiredService<TemplateCatalog>();
        app.Services.GetRequiredService<Migrator>().Migrate();
        return app;
    }
}
