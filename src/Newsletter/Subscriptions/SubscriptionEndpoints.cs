using Microsoft.AspNetCore.Mvc;
using Newsletter.Digests;
using Newsletter.Web;

namespace Newsletter.Subscriptions;

/// <summary>The reader-facing pages and JSON API of subscriptions.</summary>
public static class SubscriptionEndpoints
{
    /// <summary>The JSON body of <c>POST /api/subscriptions</c>.</summary>
    public sealed record SubscribeBody(string? Email, string[]? Topics, string[]? Keywords, string? Frequency, string? Timezone, int? Hour);

    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/subscriptions", async (SubscribeBody body, SubscriptionService service, TopicCatalog topics, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var email = EmailAddressNormalizer.TryNormalize(body.Email, out var emailError);
            if (email is null) errors["email"] = [emailError!];
            var request = new SubscriptionRequest
            {
                Email = email ?? "",
                Topics = body.Topics ?? [],
                Keywords = body.Keywords ?? [],
                Frequency = body.Frequency ?? "daily",
                Timezone = body.Timezone ?? "UTC",
                Hour = body.Hour ?? 8,
            };
            if (request.Topics.Count == 0 && request.Keywords.Count == 0) errors["topics"] = ["Choose at least one topic or keyword."];
            var unknown = request.Topics.Where(t => topics.Find(t) is null).ToList();
            if (unknown.Count > 0) errors["topics"] = [$"Unknown topic: {string.Join(", ", unknown)}."];
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            await service.SubscribeAsync(email!, request, ct);
            return Results.Accepted();
        });

        app.MapGet("/api/topics", (TopicCatalog topics) =>
            topics.All.Select(t => new { t.Slug, t.Name, t.Description }));

        app.MapGet("/confirm/{token}", (string token, SubscriptionService service, Pages pages) =>
            service.Confirm(token) switch
            {
                TokenStatus.Valid => pages.Show("web/confirmed.html.sbn", new()),
                TokenStatus.Expired => pages.Show("web/link-expired.html.sbn", new(), StatusCodes.Status410Gone),
                _ => pages.Show("web/link-unknown.html.sbn", new(), StatusCodes.Status404NotFound),
            });

        app.MapGet("/unsubscribe/{token}", (string token, Pages pages) =>
            pages.Show("web/unsubscribe.html.sbn", new() { ["token"] = token }));

        // RFC 8058 one-click: no cookies, no antiforgery token, answered with 200 and no redirect.
        app.MapPost("/unsubscribe/{token}", (string token, SubscriptionService service, Pages pages) =>
            service.Unsubscribe(token) switch
            {
                TokenStatus.Valid => pages.Show("web/unsubscribed.html.sbn", new()),
                _ => pages.Show("web/link-unknown.html.sbn", new(), StatusCodes.Status404NotFound),
            }).DisableAntiforgery();

        return app;
    }
}
