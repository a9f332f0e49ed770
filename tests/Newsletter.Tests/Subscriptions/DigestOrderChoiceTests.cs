using System.Net;
using System.Net.Http.Json;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Subscriptions;

/// <summary>Issue 11.3: a reader chooses "trending" (the default) or "best match first" in the API and on the forms.</summary>
public class DigestOrderChoiceTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [TestCase(null, "trending")]
    [TestCase("relevance", "relevance")]
    [TestCase("Trending", "trending")]
    public async Task Api_StoresTheChosenOrder_TrendingByDefault(string? order, string stored)
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await Client(app).PostAsJsonAsync("/api/subscriptions", new { email = "o@example.org", topics = new[] { "diffusion" }, order });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(Scalar<string>(app, "SELECT digest_order FROM subscribers"), Is.EqualTo(stored));
    }

    [Test]
    public async Task ConfirmedReader_KeepsTheirOrder_UntilTheEmailedLinkAppliesTheNewOne()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var owner = Client(app);
        await SubscribeConfirmedAsync(app, owner, _workspace, new { email = "o@example.org", topics = new[] { "diffusion" } }, "o@example.org");

        await Client(app).PostAsJsonAsync("/api/subscriptions", new { email = "o@example.org", topics = new[] { "diffusion" }, order = "relevance" });
        Assert.That(Scalar<string>(app, "SELECT digest_order FROM subscribers"), Is.EqualTo("trending"), "a request alone changes nothing");

        Assert.That(await SendConfirmationsAsync(app), Is.EqualTo(1));
        await ConfirmAsync(owner, ConfirmPath(_workspace.OutboxFiles()[^1]));
        Assert.That(Scalar<string>(app, "SELECT digest_order FROM subscribers"), Is.EqualTo("relevance"), "the confirmed choices include the order");
    }

    [Test]
    public async Task Manage_ShowsAndChangesTheOrder()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var id = await SubscribeConfirmedAsync(app, client, _workspace, new { email = "m@example.org", topics = new[] { "diffusion" } }, "m@example.org");
        var manage = new Uri(app.Get<SubscriptionLinks>().ForDigest(id, []).Manage).AbsolutePath;
        Assert.That(await client.GetStringAsync(manage), Does.Contain("name=\"order\" value=\"trending\" checked"));

        var saved = await PostFormAsync(client, manage, manage,
            ("topics", "diffusion"), ("hour", "8"), ("timezone", "UTC"), ("order", "relevance"), ("action", "save"));

        Assert.That(saved.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(Scalar<string>(app, "SELECT digest_order FROM subscribers"), Is.EqualTo("relevance"));
        Assert.That(await client.GetStringAsync(manage), Does.Contain("name=\"order\" value=\"relevance\" checked"));
    }

    [Test]
    public async Task PreviewApi_RefusesAnUnknownOrder_NamingTheField()
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await Client(app).GetAsync("/api/preview?topics=diffusion&order=newest");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"order\""));
    }
}
