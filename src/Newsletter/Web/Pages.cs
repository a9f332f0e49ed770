using Microsoft.Extensions.Options;
using Newsletter.Templates;
using Scriban.Runtime;

namespace Newsletter.Web;

/// <summary>Renders a page template inside the site layout and returns it as an HTML result.</summary>
public sealed class Pages(TemplateCatalog templates, IOptions<SiteOptions> site)
{
    public IResult Show(string template, ScriptObject model, int statusCode = StatusCodes.Status200OK)
    {
        model["site_name"] = site.Value.Name;
        model["base_url"] = site.Value.BaseUrl;
        model["content"] = templates.Render(template, model);
        var html = templates.Render("web/layout.html.sbn", model);
        return Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, statusCode);
    }
}
