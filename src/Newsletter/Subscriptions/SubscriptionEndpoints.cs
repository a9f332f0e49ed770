using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Newsletter.Matching;
using Newsletter.Storage;

namespace Newsletter.Subscriptions;

/// <summary>The JSON API of subscriptions (the reader-facing pages are in <see cref="SubscriptionPages"/>).</summary>
public static class SubscriptionEndpoints
{
    private const int MaxBodyBytes = 64 * 1024;

    public static WebApplication MapSubscriptions(this WebApplication app)
    {
        // The rate limits (SubscriptionRateLimits) need app.UseRateLimiter() before this, in Program.cs.
        app.MapSubscriptionPages();
        app.MapPost("/api/subscriptions", SubscribeAsync).RequireRateLimiting(SubscriptionRateLimits.Subscribe);
        app.MapGet("/api/topics", (TopicCatalog topics) => topics.All.Select(t => new { t.Slug, t.Name, t.Description }));
        app.MapGet("/api/preview", Preview).RequireRateLimiting(SubscriptionRateLimits.Preview);
        return app;
    }

    /// <summary>
    /// <c>POST /api/subscriptions</c>. The answer is the same for a new, pending, confirmed or unsubscribed address, and
    /// so is the work (one row queued for the confirmation job; no mail is sent from here): nobody learns who reads,
    /// by body or by time.
    /// </summary>
    private static async Task<IResult> SubscribeAsync(HttpRequest request, SubscriptionValidator validator, SubscriptionService service, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return Problem("body", "The body is too large.");
        // A chunked body has no length up front: Kestrel stops reading it at the same cap (answering 413).
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes;
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Problem("body", "The body is not valid JSON.");
        }
        var (input, typeErrors) = SubscriptionJson.Read(body);
        var validation = validator.Validate(input);
        var errors = validation.Errors.Concat(typeErrors).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).ToArray());
        if (errors.Count > 0) return Results.ValidationProblem(errors);
        service.Subscribe(validation.Request.Email, validation.Request);
        return Results.Json(new { message = "If this address can receive our email, a confirmation link is on its way." }, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary><c>GET /api/preview</c>: what the filters in the query string would have delivered over the last <c>Subscriptions:PreviewDays</c>.</summary>
    private static IResult Preview(HttpRequest request, SubscriptionValidator validator, PaperSearch search, IOptions<SubscriptionOptions> options,
        TimeProvider clock)
    {
        var input = new SubscriptionInput
        {
            // Slugs never contain commas, so "topics=a,b" and "topics=a&topics=b" both work; keywords repeat.
            Topics = request.Query["topics"].SelectMany(t => (t ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList(),
            Keywords = request.Query["keywords"].Select(k => k ?? "").ToList(),
            Order = request.Query["order"].ToString(),
        };
        var validation = validator.ValidateFilters(input);
        if (!validation.IsValid) return Results.ValidationProblem(validation.Errors);
        var days = options.Value.PreviewDays;
        PreviewResult preview;
        try
        {
            preview = search.Preview(validation.Request.Topics, validation.Request.Keywords, clock.GetUtcNow().AddDays(-days),
                DigestOrders.Parse(validation.Request.Order), request.HttpContext.RequestAborted);
        }
        catch (QueryBudgetSpentException e)
        {
            request.HttpContext.Response.Headers.RetryAfter = "60";
            return Results.Problem(title: "The search took too long", detail: TooLong(e), statusCode: StatusCodes.Status503ServiceUnavailable,
                extensions: new Dictionary<string, object?> { ["field"] = SubscriptionValidator.KeywordsField });
        }
        catch (OperationCanceledException) when (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Results.StatusCode(499); // nobody is waiting for the answer
        }
        return Results.Json(new
        {
            count = preview.Count,
            days,
            since = preview.Since,
            papers = preview.Papers.Select(p => new { title = p.Title, url = p.Url, matchedBy = p.MatchedBy }),
        });
    }

    /// <summary>What a reader is told when their preview's searches used up <c>Queries:RequestBudgetMs</c>.</summary>
    internal static string TooLong(QueryBudgetSpentException e) =>
        $"Previewing these filters took longer than {e.Budget.TotalMilliseconds:0} ms, so it was stopped. " +
        "Try more specific keywords (fewer OR alternatives, longer prefixes), or try again in a minute.";

    private static IResult Problem(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
