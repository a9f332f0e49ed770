using System.Net;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Subscriptions;

/// <summary>The subscribe form at / (without JavaScript): antiforgery, honeypot, errors beside fields, preview button.</summary>
public class SubscribePageTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task SubscribeForm_RedirectsToCheckYourInbox_AndMailsTheConfirmation()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);

        var response = await PostFormAsync(client, "/", "/",
            ("email", "Form@Example.org"), ("topics", "diffusion"), ("topics", "model-merging"), ("keywords", "mamba\n\"model merging\""),
            ("frequency", "weekly"), ("weekday", "3"), ("hour", "7"), ("timezone", "Europe/Berlin"), ("website", ""), ("action", "save"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo("/check-inbox"));
        Assert.That(await client.GetStringAsync("/check-inbox"), Does.Contain("Check your inbox"));
        Assert.That(await SendConfirmationsAsync(app), Is.EqualTo(1));
        Assert.That(_workspace.OutboxFiles(), Has.Count.EqualTo(1));
        Assert.That((await ConfirmAsync(client, ConfirmPath(_workspace.OutboxFiles()[0]))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Scalar<string>(app, "SELECT email || ' ' || frequency || ' ' || weekday || ' ' || hour || ' ' || timezone FROM subscribers"),
            Is.EqualTo("form@example.org weekly 3 7 Europe/Berlin"));
        Assert.That(Scalar<string>(app, "SELECT group_concat(kind || ':' || value, '|') FROM (SELECT * FROM subscriber_filters ORDER BY kind, value)"),
            Is.EqualTo("keyword:\"model merging\"|keyword:mamba|topic:diffusion|topic:model-merging"));
    }

    [Test]
    public async Task SubscribeForm_IsRejected_WithoutTheAntiforgeryToken()
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await Client(app).PostAsync("/", new FormUrlEncodedContent([new("email", "x@example.org"), new("topics", "diffusion")]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("This form has expired").And.Contain("value=\"x@example.org\""));
        Assert.That(_workspace.OutboxFiles(), Is.Empty);
    }

    [Test]
    public async Task SubscribeForm_ShowsErrorsBesideTheFields_AndKeepsTheInput()
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await PostFormAsync(Client(app), "/", "/",
            ("email", "not an address"), ("topics", "diffusion"), ("keywords", "mamba\n(broken"), ("hour", "30"), ("timezone", "Nowhere/Land"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(html, Does.Contain("id=\"email-error\"").And.Contain("id=\"keywords-error\"").And.Contain("id=\"hour-error\"").And.Contain("id=\"timezone-error\""));
        Assert.That(html, Does.Contain("value=\"not an address\""));
        Assert.That(html, Does.Contain("value=\"diffusion\" checked"));
        Assert.That(html, Does.Contain("mamba\n(broken</textarea>"));
        Assert.That(html, Does.Contain("value=\"Nowhere/Land\""));
        Assert.That(_workspace.OutboxFiles(), Is.Empty);
    }

    [Test]
    public async Task SubscribeForm_DoesNothing_WhenTheHoneypotIsFilled()
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await PostFormAsync(Client(app), "/", "/", ("email", "bot@example.org"), ("topics", "diffusion"), ("website", "http://spam.example"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther), "the bot is told the same as a person");
        Assert.That(_workspace.OutboxFiles(), Is.Empty);
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM subscribers"), Is.Zero);
    }

    [Test]
    public async Task PreviewButton_ShowsMatchingTitles_WithoutSubscribing()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        await IngestFixtureAsync(app);

        var response = await PostFormAsync(Client(app), "/", "/", ("email", ""), ("topics", "model-merging"), ("keywords", "mamba"), ("action", "preview"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("<strong>2</strong> papers in the last 7 days"));
        Assert.That(html, Does.Contain("Model Merging Without Retraining").And.Contain("Mamba Goes Multimodal"));
        Assert.That(html, Does.Not.Contain("id=\"email-error\""), "a preview does not ask for the address yet");
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM subscribers"), Is.Zero);
    }

    [Test]
    public async Task SubscribePage_IsPrefilledFromTheQueryString_WithinTheReadersLimits()
    {
        await using var app = new NewsletterFactory(_workspace, new Dictionary<string, string?> { ["Subscriptions:MaxKeywords"] = "2" }).Started();
        var client = Client(app);

        var html = await client.GetStringAsync("/?topics=diffusion,reasoning&topics=no-such-topic&keywords=mamba&keywords=%3Cscript%3E&keywords=third");

        Assert.That(html, Does.Contain("value=\"diffusion\" checked").And.Contain("value=\"reasoning\" checked"));
        Assert.That(html, Does.Contain("mamba\n&lt;script&gt;</textarea>"), "keywords are escaped and capped at Subscriptions:MaxKeywords");
        Assert.That(html, Does.Not.Contain("third"));
        Assert.That(await client.GetStringAsync("/"), Does.Not.Contain("value=\"diffusion\" checked"), "without a query nothing is chosen");
    }

    [Test]
    public async Task AntiforgeryTokens_SurviveARestart_BecauseKeysLiveInTheDatabase()
    {
        string token;
        var cookies = new System.Net.CookieContainer();
        await using (var first = new NewsletterFactory(_workspace).Started())
        {
            var client = Client(first);
            var page = await client.GetAsync("/");
            token = System.Text.RegularExpressions.Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"__af\" value=\"([^\"]+)\"").Groups[1].Value;
            foreach (var header in page.Headers.GetValues("Set-Cookie")) cookies.SetCookies(new Uri("http://localhost/"), header);
        }
        await using var second = new NewsletterFactory(_workspace).Started();
        var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new FormUrlEncodedContent([new("__af", token), new("email", "restart@example.org"), new("topics", "diffusion")]),
        };
        request.Headers.Add("Cookie", cookies.GetCookieHeader(new Uri("http://localhost/")));

        var response = await Client(second).SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(Scalar<long>(second, "SELECT count(*) FROM data_protection_keys"), Is.EqualTo(1), "the first start's key, reused");
        Assert.That(Directory.Exists(Path.Combine(_workspace.Folder, "keys")), Is.False, "no keys folder beside the database");
    }
}
