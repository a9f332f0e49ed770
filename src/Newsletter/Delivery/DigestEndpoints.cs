using Newsletter.Digests;
using Newsletter.ForYou;
using Newsletter.Subscriptions;
using Newsletter.Web;
using Scriban.Runtime;

namespace Newsletter.Delivery;

/// <summary>The "view in browser" page of a sent digest, and its papers' "more / less like this" links.</summary>
public static class DigestEndpoints
{
    public static IEndpointRouteBuilder MapDigests(this IEndpointRouteBuilder app)
    {
        // The reader's data export says how long their digests are kept (Delivery:KeepDays).
        var keepDays = app.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<DeliveryOptions>>().Value.KeepDays;
        app.ServiceProvider.GetRequiredService<ReaderDataSections>().Add("digests_kept", _ => System.Text.Json.Nodes.JsonValue.Create(
            keepDays == 0 ? "every digest is kept" : $"digests of the last {keepDays} days are kept; older ones are deleted")!);
        app.MapGet("/digests/{token}", (string token, DigestArchive archive, DeliveryStore deliveries, DigestComposer composer, Pages pages) =>
            archive.Find(token) is { } id && deliveries.Find(id) is { } row && ArchivePage(composer, row) is { } html
                ? Results.Content(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8)
                : pages.Show("web/link-unknown.html.sbn", new ScriptObject(), StatusCodes.Status404NotFound));
        // The same feedback pages as the email's and the feed's, under the copy's own token: it may be shared.
        FeedbackEndpoints.Map(app, ArchiveFeedback.Scope, withPreferences: false, (token, paper, services) =>
            services.GetRequiredService<ArchiveFeedback>().ReaderFor(token, paper),
            fromCopy: true);
        return app;
    }

    /// <summary>The copy's page, or null when the row's frozen papers cannot be read: then there is no copy to show.</summary>
    private static string? ArchivePage(DigestComposer composer, DeliveryRow row)
    {
        try { return composer.ArchivePage(row); }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException) { return null; }
    }
}
