using System.Text.Json.Nodes;
using Newsletter.Delivery;
using Newsletter.Subscriptions;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Newsletter.Bounces;

/// <summary>
/// <c>POST /webhooks/bounces/{provider}</c>: a provider that is off answers 404, a call without its credential 401
/// (nothing recorded), a body that is not the provider's JSON 400 naming the field, a body over 256 KiB 413.
/// </summary>
public static class BounceWebhookEndpoints
{
    public static WebApplication MapBounces(this WebApplication app)
    {
        // A reader's data export carries every bounce and complaint recorded about them.
        var events = app.Services.GetRequiredService<BounceStore>();
        app.Services.GetRequiredService<ReaderDataSections>().Add("bounces", id => new JsonArray(events.ForSubscriber(id)
            .Select(b => (JsonNode)new JsonObject
            {
                ["receivedAt"] = b.ReceivedAt,
                ["kind"] = b.Kind,
                ["status"] = b.Status,
                ["diagnostic"] = b.Diagnostic,
                ["source"] = b.Source,
                ["matchedBy"] = b.MatchedBy,
                ["deliveryId"] = b.DeliveryId,
            }).ToArray()));
        app.MapPost("/webhooks/bounces/{provider}", async (string provider, HttpRequest request, BounceWebhooks hooks, SesWebhook ses, CancellationToken ct) =>
        {
            provider = provider.ToLowerInvariant();
            if (!hooks.IsOn(provider)) return Results.NotFound();
            if (request.ContentLength > WebhookOptions.MaxBodyBytes)
                return Results.Problem(title: "The body is too large.", statusCode: StatusCodes.Status413PayloadTooLarge);
            // A chunked body has no length up front: Kestrel stops reading it at the same cap (answering 413).
            if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = WebhookOptions.MaxBodyBytes;
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            if (buffer.Length > WebhookOptions.MaxBodyBytes)
                return Results.Problem(title: "The body is too large.", statusCode: StatusCodes.Status413PayloadTooLarge);
            var bytes = buffer.ToArray();
            JsonElement? body;
            try
            {
                using var document = JsonDocument.Parse(bytes);
                body = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                body = null;
            }
            if (provider == BounceWebhooks.Ses)
                return SesAnswer(await ses.ReceiveAsync(request.Headers[SesWebhook.MessageTypeHeader].ToString(), body, bytes, ct));
            // The credential first: a stranger learns nothing about what a valid body looks like.
            if (!hooks.Authenticate(provider, request.Headers, body, bytes)) return Results.Unauthorized();
            if (body is not { } json) return Problem("body", "The body is not valid JSON.");
            IReadOnlyList<ProviderEvent> events;
            try
            {
                events = WebhookReader.Read(provider, json);
            }
            catch (FormatException e)
            {
                var colon = e.Message.IndexOf(':');
                return Problem(colon > 0 ? e.Message[..colon] : "body", colon > 0 ? e.Message[(colon + 1)..].Trim() : e.Message);
            }
            return Summary(hooks.Record(provider, events, bytes));
        }).DisableAntiforgery();
        return app;
    }

    private static IResult Summary(IReadOnlyList<BounceOutcome> outcomes) => Results.Json(new
    {
        recorded = outcomes.Count(o => o.Recorded),
        repeated = outcomes.Count(o => !o.Recorded),
        changed = outcomes.Where(o => o.Change is not null).Select(o => o.Change).ToArray(),
    });

    // SNS delivers again after any answer but 2xx: a certificate it could not serve or a confirmation it did not take
    // is worth another try; a forged message is not.
    private static IResult SesAnswer(SesWebhook.Receipt receipt) => receipt.Result switch
    {
        SesWebhook.Result.Recorded => Summary(receipt.Outcomes),
        SesWebhook.Result.Confirmed => Results.Json(new { subscription = "confirmed" }),
        SesWebhook.Result.Unsubscribed => Results.Json(new { subscription = "ended" }),
        SesWebhook.Result.BadEvent => Problem(receipt.Field ?? "Message", receipt.Problem ?? "not an SES event"),
        SesWebhook.Result.Forged => Results.Unauthorized(),
        _ => Results.Problem(title: "Amazon SNS could not be reached; send again later.", statusCode: StatusCodes.Status503ServiceUnavailable),
    };

    private static IResult Problem(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
