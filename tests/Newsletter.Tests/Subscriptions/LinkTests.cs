using System.Net;
using Newsletter.Delivery;
using Newsletter.Digests;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Subscriptions;

/// <summary>Confirmation, manage and unsubscribe links: expiry, single use, purposes, RFC 8058 one-click.</summary>
public class LinkTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task Confirm_ShowsExpiredPage_WhenTokenExpired()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var confirm = await SubscribeAsync(app, client, _workspace, new { email = "late@example.org", topics = new[] { "diffusion" } });
        Execute(app, "UPDATE confirmations SET expires_at = '2020-01-01T00:00:00.000Z'");

        var response = await client.GetAsync(confirm);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("This link has expired"));
        Assert.That(Scalar<string>(app, "SELECT state FROM subscribers"), Is.EqualTo("pending"));
    }

    [Test]
    public async Task ExpiredPage_SendsAFreshLink_ThatConfirms()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var expired = await SubscribeAsync(app, client, _workspace, new { email = "renew@example.org", topics = new[] { "diffusion" } });
        Execute(app, "UPDATE confirmations SET expires_at = '2020-01-01T00:00:00.000Z'");

        var response = await PostFormAsync(client, expired, expired + "/renew");
        await SendConfirmationsAsync(app);
        var fresh = ConfirmPath(_workspace.OutboxFiles()[^1]);
        var confirmed = await ConfirmAsync(client, fresh);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(_workspace.OutboxFiles(), Has.Count.EqualTo(2));
        Assert.That(fresh, Is.Not.EqualTo(expired));
        Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Scalar<string>(app, "SELECT state FROM subscribers"), Is.EqualTo("confirmed"));
        Assert.That((await client.GetAsync(expired)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the spent link is gone");
    }

    [Test]
    public async Task Confirm_ExpiresAfter48Hours_ByDefault()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        await SubscribeAsync(app, Client(app), _workspace, new { email = "r@example.org", topics = new[] { "diffusion" } });

        var lifetime = Scalar<double>(app, "SELECT (julianday(expires_at) - julianday(created_at)) * 24 FROM confirmations");

        Assert.That(lifetime, Is.EqualTo(48).Within(0.01));
    }

    [Test]
    public async Task Confirm_ShowsUsedPage_WhenTheTokenIsUsedASecondTime()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var confirm = await SubscribeAsync(app, client, _workspace, new { email = "twice@example.org", topics = new[] { "diffusion" } });

        var first = await ConfirmAsync(client, confirm);
        var second = await client.GetAsync(confirm);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await first.Content.ReadAsStringAsync(), Does.Contain("You are subscribed"));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Gone));
        Assert.That(await second.Content.ReadAsStringAsync(), Does.Contain("already used"));
    }

    [TestCase("/confirm/not-a-token")]
    [TestCase("/manage/not-a-token")]
    [TestCase("/unsubscribe/not-a-token")]
    public async Task Links_ShowUnknownPage_ForATokenNobodyIssued(string path)
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await Client(app).GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("We do not know this link"));
    }

    [Test]
    public async Task Tokens_HaveOnePurpose_AndAreStoredOnlyAsHashes()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var id = await SubscribeConfirmedAsync(app, client, _workspace, new { email = "p@example.org", topics = new[] { "diffusion" } }, "p@example.org");
        var links = app.Get<SubscriptionLinks>().ForDigest(id, ["diffusion"]);
        var manageToken = links.Manage.Split('/')[^1];
        var unsubscribeToken = links.Unsubscribe.Split('/')[^1];

        Assert.That((await client.GetAsync("/unsubscribe/" + manageToken)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await client.GetAsync("/manage/" + unsubscribeToken)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(Convert.FromBase64String(Pad(manageToken)), Has.Length.GreaterThanOrEqualTo(16), "at least 128 bits");
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM tokens WHERE hash IN (@manageToken, @unsubscribeToken)", new { manageToken, unsubscribeToken }), Is.Zero);
        Assert.That(links.Manage + links.Unsubscribe, Does.Not.Contain("p@example.org").And.Not.Contain("/" + id + "/"));
    }

    [Test]
    public async Task DigestLinks_AreReused_SoSendingDigestsAddsNoTokenRows()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var id = await SubscribeConfirmedAsync(app, Client(app), _workspace, new { email = "d@example.org", topics = new[] { "diffusion" } }, "d@example.org");
        var linkService = app.Get<SubscriptionLinks>();

        var first = linkService.ForDigest(id, ["diffusion"]);
        var rowsAfterFirst = Scalar<long>(app, "SELECT count(*) FROM tokens");
        var later = Enumerable.Range(0, 5).Select(_ => linkService.ForDigest(id, ["diffusion"])).ToList();

        Assert.That(later.Select(l => l.Unsubscribe), Is.All.EqualTo(first.Unsubscribe));
        Assert.That(later.Select(l => l.Manage), Is.All.EqualTo(first.Manage));
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM tokens"), Is.EqualTo(rowsAfterFirst));
    }

    [Test]
    public async Task UnsubscribeGet_ShowsAButton_AndDoesNotUnsubscribe()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var id = await SubscribeConfirmedAsync(app, client, _workspace, new { email = "u@example.org", topics = new[] { "diffusion" } }, "u@example.org");
        var unsubscribe = new Uri(app.Get<SubscriptionLinks>().ForDigest(id, []).Unsubscribe).AbsolutePath;

        var response = await client.GetAsync(unsubscribe);
        await client.GetAsync(unsubscribe);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("<button"));
        Assert.That(Scalar<string>(app, "SELECT state FROM subscribers"), Is.EqualTo("confirmed"));
    }

    [Test]
    public async Task OneClickPost_WithoutCookiesOrAntiforgery_UnsubscribesAndAnswers200()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var id = await SubscribeConfirmedAsync(app, Client(app), _workspace, new { email = "one@example.org", topics = new[] { "diffusion" } }, "one@example.org");
        var unsubscribe = new Uri(app.Get<SubscriptionLinks>().ForDigest(id, []).Unsubscribe).AbsolutePath;
        var mailClient = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

        var response = await mailClient.PostAsync(unsubscribe,
            new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.Location, Is.Null);
        Assert.That(Scalar<string>(app, "SELECT state FROM subscribers"), Is.EqualTo("unsubscribed"));
        Assert.That((await mailClient.PostAsync(unsubscribe, new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.ASCII,
            "application/x-www-form-urlencoded"))).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a repeated POST is harmless");
    }

    [Test]
    public async Task UnsubscribedReader_GetsNothingMore_NotEvenADigestAlreadyPlanned()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        await IngestFixtureAsync(app);
        var client = Client(app);
        var id = await SubscribeConfirmedAsync(app, client, _workspace, new { email = "stop@example.org", keywords = new[] { "mamba" } }, "stop@example.org");
        var at = DateTimeOffset.UtcNow.AddDays(1);
        Assert.That(app.Get<DigestPlanner>().PlanDue(at), Is.EqualTo(1), "a digest is planned but not yet sent");
        var mailsBefore = _workspace.OutboxFiles().Count;

        await client.PostAsync(new Uri(app.Get<SubscriptionLinks>().ForDigest(id, []).Unsubscribe).AbsolutePath,
            new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        var (_, sent) = await app.Get<DigestJob>().RunAtAsync(at.AddDays(3), CancellationToken.None);

        Assert.That(sent, Is.Zero);
        Assert.That(_workspace.OutboxFiles(), Has.Count.EqualTo(mailsBefore));
    }

    [Test]
    public async Task Resubscribe_FromTheUnsubscribedPage_SendsAConfirmationAndNothingElse()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        await IngestFixtureAsync(app);
        var client = Client(app);
        var id = await SubscribeConfirmedAsync(app, client, _workspace, new { email = "back@example.org", keywords = new[] { "mamba" } }, "back@example.org");
        var unsubscribe = new Uri(app.Get<SubscriptionLinks>().ForDigest(id, []).Unsubscribe).AbsolutePath;
        var unsubscribedPage = await client.PostAsync(unsubscribe, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        var token = System.Text.RegularExpressions.Regex.Match(await unsubscribedPage.Content.ReadAsStringAsync(), "name=\"__af\" value=\"([^\"]+)\"").Groups[1].Value;
        var mailsBefore = _workspace.OutboxFiles().Count;

        var response = await client.PostAsync(unsubscribe + "/resubscribe", new FormUrlEncodedContent([new("__af", token)]));
        await SendConfirmationsAsync(app);
        var (_, sent) = await app.Get<DigestJob>().RunAtAsync(DateTimeOffset.UtcNow.AddDays(2), CancellationToken.None);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo("/check-inbox"));
        Assert.That(Scalar<string>(app, "SELECT state FROM subscribers"), Is.EqualTo("unsubscribed"), "nothing changes until they confirm");
        Assert.That(sent, Is.Zero, "no digest until the reader confirms again");
        Assert.That(_workspace.OutboxFiles(), Has.Count.EqualTo(mailsBefore + 1));
        Assert.That(Path.GetFileName(_workspace.OutboxFiles()[^1]), Does.StartWith("confirm."));
    }

    private static string Pad(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text + new string('=', (4 - text.Length % 4) % 4);
    }
}
