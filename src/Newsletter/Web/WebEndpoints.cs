using System.Net;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Newsletter.Foundation;
using Newsletter.Storage;
using Newsletter.Templates;
using Scriban.Runtime;

namespace Newsletter.Web;

/// <summary>Site-wide pages and services: page rendering, form protection, health.</summary>
public static class WebEndpoints
{
    // The largest request body any endpoint reads (Kestrel's own default is 30 MB); some cap theirs lower.
    private const long MaxRequestBodyBytes = 8 * 1024 * 1024;

    public static IServiceCollection AddWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<SiteOptions>(configuration, SiteOptions.Section, o => o.Problems());
        // Behind a reverse proxy (the usual way to serve TLS) every request comes from the proxy; its forwarded
        // headers name the reader. Only listed proxies are believed: anyone else could forge them. ASP.NET Core
        // trusts loopback by default, which let any local process (or a same-host proxy that passes the client's
        // header through) pick a fresh address per request and walk past per-client limits, so the defaults are
        // cleared. The middleware believes everyone when both lists are empty, so with no proxy listed it reads
        // no header at all.
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<SiteOptions>>((o, site) =>
        {
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in site.Value.TrustedProxies)
                if (IPAddress.TryParse(proxy, out var address)) o.KnownProxies.Add(address);
            o.ForwardedHeaders = o.KnownProxies.Count > 0
                ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
                : ForwardedHeaders.None;
        });
        // Above the form reader's 4 MB value limit, so an oversized form value still answers its own 400; anything larger
        // answers 413 with the site's page (RefusedRequests). Kestrel:Limits:MaxRequestBodySize, when set, wins.
        if (configuration["Kestrel:Limits:MaxRequestBodySize"] is null)
            services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        services.AddSettings<AdminOptions>(configuration, AdminOptions.Section, o => o.Problems());
        services.AddShared(typeof(OperatorCredential), typeof(Pages), typeof(FormProtection));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "newsletter.af";
            o.FormFieldName = FormProtection.FieldName;
        });
        // Antiforgery tokens are sealed with DataProtection keys; keeping the keys in the database means a form opened
        // before a restart, or before a restore from a backup, still submits after it. Keys an older version kept in
        // a "keys" folder beside the database are copied in once.
        services.AddDataProtection().SetApplicationName("Newsletter");
        services.AddOptions<KeyManagementOptions>()
            .Configure<Database, TimeProvider>((o, database, clock) =>
                o.XmlRepository = new DataProtectionKeyStore(database, clock,
                    database.IsPostgres ? null : Path.Combine(Path.GetDirectoryName(database.FilePath) ?? ".", "keys")));
        return services;
    }

    public static WebApplication MapWeb(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        // Both are data under templates/web; rendered once, they never change while the process runs.
        var templates = app.Services.GetRequiredService<TemplateCatalog>();
        var robots = templates.Render("web/robots.txt.sbn", new ScriptObject());
        var favicon = Encoding.UTF8.GetBytes(templates.Render("web/favicon.svg.sbn", new ScriptObject()));
        app.MapGet("/robots.txt", () => Results.Text(robots, "text/plain; charset=utf-8"));
        // Browsers ask for /favicon.ico whatever the page links; both answer the SVG, which they all draw.
        app.MapGet("/favicon.svg", (HttpContext http) => Favicon(http, favicon));
        app.MapGet("/favicon.ico", (HttpContext http) => Favicon(http, favicon));
        return app;
    }

    private static IResult Favicon(HttpContext http, byte[] svg)
    {
        http.Response.Headers.CacheControl = "public, max-age=86400";
        return Results.Bytes(svg, "image/svg+xml");
    }

    /// <summary>
    /// Puts the operator credential in front of every path under the given prefixes (e.g. <c>/hangfire</c>). The
    /// first call on a server with no password configured or stored makes one and logs it once.
    /// </summary>
    public static WebApplication UseOperatorAccess(this WebApplication app, params string[] prefixes)
    {
        app.Services.GetRequiredService<OperatorCredential>().EnsurePassword();
        var paths = prefixes.Select(p => new PathString(p)).ToArray();
        app.UseWhen(http => paths.Any(p => http.Request.Path.StartsWithSegments(p)), guarded => guarded.UseMiddleware<OperatorAccess>());
        return app;
    }

    /// <summary>Malformed or oversized request bodies answer 400 or 413 with the error page, logged in one line.</summary>
    public static WebApplication UseRefusedRequests(this WebApplication app)
    {
        app.UseMiddleware<RefusedRequests>();
        return app;
    }
}
