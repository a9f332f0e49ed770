using System.Net.Http.Headers;
using System.Text;
using System.Threading.RateLimiting;

namespace Newsletter.Web;

/// <summary>
/// HTTP Basic authentication with the operator credential for the paths it guards (see
/// <see cref="WebEndpoints.UseOperatorAccess"/>). Every request needs it, from loopback too: behind a same-host
/// proxy every request looks local.
/// </summary>
public sealed class OperatorAccess(RequestDelegate next, OperatorCredential credential, ILogger<OperatorAccess> logger)
{
    /// <summary>The realm browsers show when they ask for the password.</summary>
    public const string Realm = "Newsletter operator";

    /// <summary>Wrong sign-ins one client may make per minute before it is answered 429 without checking.</summary>
    public const int GuessesPerMinute = 10;

    private static readonly object GrantedKey = new();

    // Each wrong guess costs a deliberately slow hash and a log line, so guessing is counted per client address.
    private readonly PartitionedRateLimiter<string> _guesses = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = GuessesPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    public async Task InvokeAsync(HttpContext http)
    {
        var given = ReadBasic(http.Request.Headers.Authorization.ToString());
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "";
        if (given is not null)
        {
            using var allowance = _guesses.AttemptAcquire(client, 0); // asks whether any guess is left, spends none
            if (!allowance.IsAcquired)
            {
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = "60";
                await http.Response.WriteAsync("Too many wrong sign-ins from this address: try again in a minute.\n", http.RequestAborted);
                return;
            }
        }
        if (given is { } pair && await credential.VerifyAsync(pair.User, pair.Password, http.RequestAborted))
        {
            http.Items[GrantedKey] = pair.User;
            await next(http);
            return;
        }
        if (given is not null)
        {
            _guesses.AttemptAcquire(client, 1).Dispose();
            logger.LogWarning("Operator sign-in refused for {Path} from {Client}", http.Request.Path.Value, http.Connection.RemoteIpAddress);
        }
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync("The operator pages need the operator's user name and password.\n", http.RequestAborted);
    }

    /// <summary>True when this request passed the operator check (for pages that also check for themselves).</summary>
    public static bool IsGranted(HttpContext http) => http.Items.ContainsKey(GrantedKey);

    /// <summary>The operator user name this request signed in with (for the log line of each action), or "".</summary>
    public static string User(HttpContext http) => http.Items[GrantedKey] as string ?? "";

    private static (string User, string Password)? ReadBasic(string header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value) ||
            !value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || value.Parameter is not { Length: <= 1024 } encoded)
            return null;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = text.IndexOf(':');
            return colon < 0 ? null : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
