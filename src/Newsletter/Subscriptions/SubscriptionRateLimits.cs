using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Newsletter.Subscriptions;

/// <summary>
/// Per-client-IP fixed-window limits on the endpoints that cost the service work or send email: subscribing and
/// previewing. Previews are also limited in concurrency per client: one client's searches run one after another,
/// so however many it sends at once it keeps at most one core busy. Limits come from <see cref="SubscriptionOptions"/>.
/// </summary>
public static class SubscriptionRateLimits
{
    public const string Subscribe = "subscribe";
    public const string Preview = "preview";

    // Previews of one client that may wait for its running one; more are refused at once (429).
    private const int PreviewQueuePerClient = 2;

    public static IServiceCollection AddSubscriptionRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Subscribe, http => PerClient(http, o => o.SubscribePermitsPerMinute));
            limiter.AddPolicy(Preview, http => PerClient(http, o => o.PreviewPermitsPerMinute));
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Preview
                    ? RateLimitPartition.GetConcurrencyLimiter(Client(http), _ => new ConcurrencyLimiterOptions
                    {
                        PermitLimit = http.RequestServices.GetRequiredService<IOptions<SubscriptionOptions>>().Value.PreviewsAtOncePerClient,
                        QueueLimit = PreviewQueuePerClient,
                        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await Results.Problem(
                    title: "Too many requests", detail: "Please wait a minute before trying again.",
                    statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    private static RateLimitPartition<string> PerClient(HttpContext http, Func<SubscriptionOptions, int> permits)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<SubscriptionOptions>>().Value;
        return RateLimitPartition.GetFixedWindowLimiter(Client(http), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits(options),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }

    // The connection's address, which UseForwardedHeaders has already set to the client's when a listed proxy sent it.
    private static string Client(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
