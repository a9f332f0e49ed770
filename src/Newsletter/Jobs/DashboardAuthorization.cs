using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;

namespace Newsletter.Jobs;

/// <summary>Local requests always; remote ones only with the configured password (HTTP basic authentication).</summary>
public sealed class DashboardAuthorization(JobsOptions options) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var http = context.GetHttpContext();
        var remote = http.Connection.RemoteIpAddress;
        if (remote is null || IPAddress.IsLoopback(remote)) return true;
        if (string.IsNullOrEmpty(options.DashboardPassword)) return false;
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var expected = Encoding.UTF8.GetBytes($"{options.DashboardUser}:{options.DashboardPassword}");
            try
            {
                var given = Convert.FromBase64String(header["Basic ".Length..].Trim());
                if (CryptographicOperations.FixedTimeEquals(given, expected)) return true;
            }
            catch (FormatException)
            {
                // Malformed credentials are treated as none.
            }
        }
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"Newsletter jobs\"";
        return false;
    }
}
