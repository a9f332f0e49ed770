using System.Net;
using System.Xml.Linq;
using Microsoft.AspNetCore.Routing;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Web;

/// <summary>What crawlers and browsers ask every site for: robots.txt and the favicon.</summary>
public class SiteFilesTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private static IReadOnlyList<string> Disallowed(string robots) =>
        robots.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Disallow:", StringComparison.Ordinal))
            .Select(l => l["Disallow:".Length..].Trim()).ToList();

    [Test]
    public async Task RobotsTxt_KeepsCrawlersOffEveryTokenRoute_AndLetsThemReadTheHomePage()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var response = await app.CreateClient().GetAsync("/robots.txt");
        var disallowed = Disallowed(await response.Content.ReadAsStringAsync());
        // Every route the app maps with a token in it, read from the app itself, so a new one cannot be forgotten.
        var tokenRoutes = app.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => p.Contains("{token", StringComparison.Ordinal)).Distinct().ToList();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        Assert.That(tokenRoutes, Is.Not.Empty);
        Assert.That(tokenRoutes.Where(route => !disallowed.Any(d => route.StartsWith(d, StringComparison.Ordinal))), Is.Empty,
            "token routes a crawler could still fetch");
        Assert.That(disallowed, Does.Contain("/hangfire"));
        Assert.That(disallowed.Where(d => "/".StartsWith(d, StringComparison.Ordinal)), Is.Empty, "the home page stays crawlable");
    }

    [TestCase("/favicon.svg")]
    [TestCase("/favicon.ico")]
    public async Task Favicon_IsAnSvg(string path)
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await app.CreateClient().GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/svg+xml"));
        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(svg.Root?.Name, Is.EqualTo(XName.Get("svg", "http://www.w3.org/2000/svg")));
    }

    [Test]
    public async Task Pages_LinkTheFavicon()
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var home = await app.CreateClient().GetStringAsync("/");

        Assert.That(home, Does.Contain("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">"));
    }
}
