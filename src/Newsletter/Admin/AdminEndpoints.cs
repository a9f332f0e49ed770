using Newsletter.Web;
using Prometheus;
using Scriban.Runtime;

namespace Newsletter.Admin;

/// <summary>
/// The operator's pages under <c>/admin</c>. Every path here sits behind the operator credential
/// (<c>UseOperatorAccess(AdminEndpoints.Path)</c> in Program.cs), and each page checks that it did.
/// </summary>
public static class AdminEndpoints
{
    /// <summary>Where the operator pages live.</summary>
    public const string Path = "/admin";

    /// <summary>The query-string field that picks how many days the overview shows.</summary>
    public const string DaysField = "days";

    /// <summary>Maps <c>/admin</c> (the overview, readers, deliveries) and <c>/metrics</c>.</summary>
    public static WebApplication MapAdmin(this WebApplication app)
    {
        app.MapGet(Path, (HttpContext http, Pages pages, AdminOverview overview) =>
        {
            if (!OperatorAccess.IsGranted(http)) return Results.Unauthorized();
            http.Response.Headers.CacheControl = "no-store";
            var text = http.Request.Query[DaysField].FirstOrDefault() ?? "30";
            if (text is not ("30" or "90"))
                return Show(pages, "web/admin/bad-field.html.sbn",
                    new ScriptObject { ["field"] = DaysField, ["message"] = "days must be 30 or 90." }, StatusCodes.Status400BadRequest);
            return Show(pages, "web/admin/overview.html.sbn", overview.Build(text == "90" ? 90 : 30));
        });
        // The operator credential guards it (UseOperatorAccess with OperatorMetrics.Path): the numbers say how big the list is.
        app.MapMetrics(OperatorMetrics.Path, app.Services.GetRequiredService<OperatorMetrics>().Registry);
        app.MapAdminReaders();
        app.MapAdminDeliveries();
        return app;
    }

    /// <summary>Shows an operator page in the wide layout.</summary>
    internal static IResult Show(Pages pages, string template, ScriptObject model, int status = StatusCodes.Status200OK)
    {
        model["page_class"] = "wide admin";
        return pages.Show(template, model, status);
    }
}
