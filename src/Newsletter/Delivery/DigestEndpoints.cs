using Newsletter.Digests;
using Newsletter.Web;
using Scriban.Runtime;

namespace Newsletter.Delivery;

/// <summary>The "view in browser" page of a sent digest.</summary>
public static class DigestEndpoints
{
    public static IEndpointRouteBuilder MapDigests(this IEndpointRouteBuilder app)
    {
        app.MapGet("/digests/{token}", (string token, DigestArchive archive, DeliveryStore deliveries, DigestComposer composer, Pages pages) =>
            archive.Find(token) is { } id && deliveries.Find(id) is { } row
                ? Results.Content(composer.ArchivePage(row), "text/html; charset=utf-8", System.Text.Encoding.UTF8)
                : pages.Show("web/link-unknown.html.sbn", new ScriptObject(), StatusCodes.Status404NotFound));
        return app;
    }
}
