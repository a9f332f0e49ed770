using System.Net;
using System.Net.Http.Json;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Web;

/// <summary>
/// X-Forwarded-For names the client only when a listed proxy sends it (Site:TrustedProxies); loopback is not
/// trusted by itself. Run against the real executable, because only Kestrel gives requests a real remote address.
/// </summary>
public class ForwardedHeadersTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private static async Task<HttpStatusCode> SubscribeAs(HttpClient http, string forwardedFor, int n)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/subscriptions")
        {
            Content = JsonContent.Create(new { email = $"r{n}@example.org", topics = new[] { "diffusion" } }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await http.SendAsync(request)).StatusCode;
    }

    [TestCase(null, TestName = "RotatingForwardedFor_FromLoopback_HitsTheRateLimit_WhenNoProxyIsListed")]
    [TestCase("10.9.9.9", TestName = "RotatingForwardedFor_FromLoopback_HitsTheRateLimit_WhenAnotherProxyIsListed")]
    public async Task RotatingForwardedFor_FromLoopback_HitsTheRateLimit(string? listedProxy)
    {
        var settings = new Dictionary<string, string> { ["Subscriptions:SubscribePermitsPerMinute"] = "3" };
        if (listedProxy is not null) settings["Site:TrustedProxies:0"] = listedProxy;
        await using var served = await ServedNewsletter.StartAsync(_workspace, settings);
        using var http = new HttpClient { BaseAddress = new Uri(served.BaseUrl) };

        var codes = new List<HttpStatusCode>();
        for (var i = 1; i <= 5; i++) codes.Add(await SubscribeAs(http, $"203.0.113.{i}", i));

        Assert.That(codes, Is.EqualTo(new[]
        {
            HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted,
            HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests,
        }), "a forged header from an unlisted client does not buy a fresh allowance");
    }

    [Test]
    public async Task RateLimit_CountsTheForwardedClient_WhenTheProxyIsListed()
    {
        await using var served = await ServedNewsletter.StartAsync(_workspace, new Dictionary<string, string>
        {
            ["Subscriptions:SubscribePermitsPerMinute"] = "2",
            ["Site:TrustedProxies:0"] = "127.0.0.1",
        });
        using var http = new HttpClient { BaseAddress = new Uri(served.BaseUrl) };

        var first = new[] { await SubscribeAs(http, "203.0.113.7", 1), await SubscribeAs(http, "203.0.113.7", 2), await SubscribeAs(http, "203.0.113.7", 3) };
        var other = await SubscribeAs(http, "198.51.100.9", 4);

        Assert.That(first, Is.EqualTo(new[] { HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests }));
        Assert.That(other, Is.EqualTo(HttpStatusCode.Accepted), "another reader behind the same proxy has their own allowance");
    }
}
