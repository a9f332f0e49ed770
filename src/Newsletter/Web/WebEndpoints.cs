using Microsoft.Extensions.Options;
using Newsletter.Digests;
using Scriban.Runtime;

namespace Newsletter.Web;

/// <summary>Site-wide pages and services: the home page, static CSS, health.</summary>
public static class WebEndpoints
{
    public static IServiceCollection AddWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SiteOptions>().Bind(configuration.GetSection(SiteOptions.Section))
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https",
                $"{SiteOptions.Section}:BaseUrl must be an absolute http(s) URL")
            .ValidateOnStart();
        services.AddSingleton<Pages>();
        services.AddAntiforgery();
        return services;
    }

    public static IEndpointRouteBuilder MapWeb(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (Pages pages, TopicCatalog topics) =>
            pages.Show("web/subscribe.html.sbn", new ScriptObject
            {
                ["topics"] = topics.All.Select(t => new ScriptObject { ["slug"] = t.Slug, ["name"] = t.Name, ["description"] = t.Description }).ToList(),
            }));
        app.MapGet("/healthz", () => Results.Text("ok"));
        return app;
    }
}
