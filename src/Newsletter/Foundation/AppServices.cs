namespace Newsletter.Foundation;

/// <summary>
/// The built application, prepared on first use (by the host: settings validated, templates parsed, database
/// migrated). Command-line verbs use its services without starting the web server or the job server.
/// </summary>
public sealed class AppServices(WebApplicationBuilder builder, Func<WebApplication, WebApplication> prepare)
{
    private WebApplication? _app;

    /// <summary>The prepared application (built once).</summary>
    public WebApplication App => _app ??= prepare(builder.Build());

    public IServiceProvider Services => App.Services;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();
}
