using Scriban.Runtime;

namespace Newsletter.Web;

/// <summary>
/// Answers a request whose body the server refuses to read (broken multipart, too many form fields, a value or a
/// body over its limit) with 400 or 413: the site's error page, or a JSON problem naming <c>body</c> under
/// <c>/api/</c>. Logged as one line, not as an unhandled exception with a stack trace.
/// </summary>
public sealed class RefusedRequests(RequestDelegate next, Pages pages, ILogger<RefusedRequests> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (Exception e) when (StatusFor(e) is { } status && !http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("Refused {Method} {Path} from {Client}: {Status} {Reason}",
                http.Request.Method, http.Request.Path.Value, http.Connection.RemoteIpAddress, status, e.Message);
            http.Response.Clear();
            await Answer(http, status).ExecuteAsync(http);
        }
    }

    /// <summary>The status for an exception that means "this body cannot be read", or null for anything else.</summary>
    private static int? StatusFor(Exception e) => e switch
    {
        // Kestrel's own limits (body size, a chunked body cut short, a bad chunk) carry their status.
        BadHttpRequestException bad => bad.StatusCode,
        // Form reading: value count, value or key length, multipart section and body limits, broken multipart.
        InvalidDataException => StatusCodes.Status400BadRequest,
        // A multipart body that ends inside a section; only the multipart reader's, other I/O errors stay errors.
        IOException { Source: "Microsoft.AspNetCore.WebUtilities" } => StatusCodes.Status400BadRequest,
        _ => null,
    };

    private IResult Answer(HttpContext http, int status)
    {
        var tooLarge = status == StatusCodes.Status413PayloadTooLarge;
        if (http.Request.Path.StartsWithSegments("/api"))
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["body"] = [tooLarge ? "The body is too large." : "The body could not be read."] },
                statusCode: status);
        return pages.Show(tooLarge ? "web/too-large.html.sbn" : "web/bad-request.html.sbn", new ScriptObject(), status);
    }
}
