using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Newsletter.Subscriptions;

/// <summary>
/// Per-client-IP fixed-window limits on the endpoints that cost the service work or send email: subscribing and
/// previewing. Limits come from <see cref="SubscriptionOptions"/>.
/// </summary>
public static class SubscriptionRateLimits
{
    public const string Subscribe = "subscribe";
    public const string Preview = "preview";

    public static IServiceCollection AddSubscriptionRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Subscribe, http => PerClient(http, o => o.SubscribePermitsPerMinute));
            limiter.AddPolicy(Preview, http => PerClient(http, o => o.PreviewPermitsPerMinute));
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
        // Behind a reverse proxy every request shares the proxy's address; forwarded headers are not trusted here.
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits(options),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }
}
