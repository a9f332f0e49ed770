using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Web;

/// <summary>
/// Bodies the server will not read (broken multipart, too many fields, a value over 4 MB, a chunked body over the
/// limit) answer 400 or 413 with the site's error page, and are logged as one refused request, not as an
/// unhandled exception with a stack trace. The real executable behind Kestrel, whose limits these are.
/// </summary>
public class RefusedRequestTests
{
    private TestWorkspace _workspace = null!;
    private ServedNewsletter _served = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _workspace = new TestWorkspace();
        _served = await ServedNewsletter.StartAsync(_workspace);
        _http = new HttpClient { BaseAddress = new Uri(_served.BaseUrl) };
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _http.Dispose();
        await _served.DisposeAsync();
        _workspace.Dispose();
    }

    private Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string path, string reason) =>
        AssertRefusedAsync(response.StatusCode, status, path, reason);

    private async Task AssertRefusedAsync(HttpStatusCode answered, HttpStatusCode status, string path, string reason)
    {
        Assert.That(answered, Is.EqualTo(status));
        var log = await _served.WaitForLogAsync($"Refused POST {path} from 127.0.0.1: {(int)status} {reason}");
        Assert.That(log, Does.Contain($"Refused POST {path} from 127.0.0.1: {(int)status} {reason}"));
        Assert.That(log, Does.Not.Contain("unhandled exception").IgnoreCase);
        Assert.That(log, Does.Not.Contain("   at "), "no stack trace in the log");
    }

    [Test]
    public async Task BrokenMultipart_Answers400WithTheErrorPage_NotA500()
    {
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(
            "--XYZ\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nreader@example.org"));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=XYZ");

        var response = await _http.PostAsync("/", content);

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "/", "Unexpected end of Stream");
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("That did not work").And.Contain("<main"));
    }

    [Test]
    public async Task OverAThousandFields_Answers400WithTheErrorPage_NotA500()
    {
        var fields = Enumerable.Range(0, 1100).Select(i => new KeyValuePair<string, string>($"f{i}", "1"));

        var response = await _http.PostAsync("/", new FormUrlEncodedContent(fields));

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "/", "Form value count limit 1024 exceeded");
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("That did not work"));
    }

    [Test]
    public async Task AValueOverFourMegabytes_Answers400WithTheErrorPage_NotA500()
    {
        var content = new StringContent("email=" + new string('a', 5 * 1024 * 1024), Encoding.ASCII, "application/x-www-form-urlencoded");

        var response = await _http.PostAsync("/", content);

        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "/", "Form key length limit 2048 or value length limit 4194304 exceeded");
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("That did not work"));
    }

    [Test]
    public async Task AChunkedTenMegabyteBody_Answers413_LoggedAsARefusedRequest()
    {
        var (status, body) = await PostChunkedAsync("/api/subscriptions", 10 * 1024 * 1024);

        Assert.That(body, Does.Contain("\"body\""), "the API names the field");
        await AssertRefusedAsync(status, HttpStatusCode.RequestEntityTooLarge, "/api/subscriptions", "Request body too large");
    }

    /// <summary>
    /// Sends a chunked body over a raw socket, stopping when the server answers early (HttpClient gives up on the
    /// answer once the server stops reading the upload), and returns the status and body.
    /// </summary>
    private async Task<(HttpStatusCode Status, string Body)> PostChunkedAsync(string path, int bytes)
    {
        var uri = new Uri(_served.BaseUrl);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
        var chunk = Encoding.ASCII.GetBytes($"{64 * 1024:x}\r\n" + new string('a', 64 * 1024) + "\r\n");
        try
        {
            for (var sent = 0; sent < bytes && !client.Client.Poll(0, System.Net.Sockets.SelectMode.SelectRead); sent += 64 * 1024)
                await stream.WriteAsync(chunk);
        }
        catch (IOException)
        {
            // The server stopped reading: its answer is waiting.
        }
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var status = (HttpStatusCode)int.Parse(answer.Split(' ')[1]);
        return (status, answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
    }
}
