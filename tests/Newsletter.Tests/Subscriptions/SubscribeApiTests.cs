using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Subscriptions;

/// <summary>POST /api/subscriptions: double opt-in, no enumeration, validation and the abuse caps.</summary>
public class SubscribeApiTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task Subscribe_AnswersTheSame_ForNewPendingAndConfirmedAddresses()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var body = new { email = "reader@example.org", topics = new[] { "diffusion" } };

        var asNew = await client.PostAsJsonAsync("/api/subscriptions", body);
        var asPending = await client.PostAsJsonAsync("/api/subscriptions", body);
        await SendConfirmationsAsync(app);
        Assert.That((await ConfirmAsync(client, ConfirmPath(_workspace.OutboxFiles()[0]))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var mailsBefore = _workspace.OutboxFiles().Count;
        var asConfirmed = await client.PostAsJsonAsync("/api/subscriptions", new { email = "READER@example.org", topics = new[] { "reasoning" } });
        await SendConfirmationsAsync(app);

        var answers = new[] { asNew, asPending, asConfirmed };
        Assert.That(answers.Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.Accepted));
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        Assert.That(bodies.Distinct().Count(), Is.EqualTo(1), "the body gives nothing away either");
        Assert.That(_workspace.OutboxFiles(), Has.Count.EqualTo(mailsBefore + 1), "the new choices wait for the owner's confirmation");
        Assert.That(Scalar<string>(app, "SELECT group_concat(value) FROM subscriber_filters"), Is.EqualTo("diffusion"),
            "an unconfirmed request cannot change a confirmed reader's topics");
    }

    [Test]
    public async Task Subscribe_SendsOnlyTheConfirmationEmail_UntilConfirmed()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        await IngestFixtureAsync(app);
        var client = Client(app);
        await SubscribeAsync(app, client, _workspace, new { email = "pending@example.org", keywords = new[] { "mamba" } });

        var (planned, sent) = await app.Get<Newsletter.Delivery.DigestJob>().RunAtAsync(DateTimeOffset.UtcNow.AddDays(2), CancellationToken.None);

        Assert.That((planned, sent), Is.EqualTo((0, 0)));
        Assert.That(_workspace.OutboxFiles().Select(Path.GetFileName), Is.All.StartsWith("confirm."));
        Assert.That(Scalar<string>(app, "SELECT state FROM subscribers"), Is.EqualTo("pending"));
    }

    [Test]
    public async Task Subscribe_SendsAtMostThreeConfirmationsPerAddressPerDay()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);

        for (var i = 0; i < 5; i++)
        {
            var response = await client.PostAsJsonAsync("/api/subscriptions", new { email = "flooded@example.org", topics = new[] { "diffusion" } });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }
        await SendConfirmationsAsync(app);

        Assert.That(_workspace.OutboxFiles(), Has.Count.EqualTo(3));
        var links = _workspace.OutboxFiles().Select(ConfirmPath).ToList();
        Assert.That(links.Distinct().Count(), Is.EqualTo(3), "each request sends a fresh link");
    }

    [Test]
    public async Task Subscribe_NormalisesTheAddress_CaseAndInternationalDomain()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);

        await SubscribeAsync(app, client, _workspace, new { email = " Jürgen@Bücher.Example ", topics = new[] { "diffusion" } });
        var again = await client.PostAsJsonAsync("/api/subscriptions", new { email = "jürgen@xn--bcher-kva.example", topics = new[] { "diffusion" } });

        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM subscribers"), Is.EqualTo(1));
        Assert.That(Scalar<string>(app, "SELECT email FROM subscribers"), Is.EqualTo("jürgen@xn--bcher-kva.example"));
    }

    [TestCase("""{"email":"Reader <r@example.org>","topics":["diffusion"]}""", "email")]
    [TestCase("""{"email":"no-domain","topics":["diffusion"]}""", "email")]
    [TestCase("""{"email":"r@example.org"}""", "topics")]
    [TestCase("""{"email":"r@example.org","topics":["no-such-topic"]}""", "topics")]
    [TestCase("""{"email":"r@example.org","topics":["diffusion"],"timezone":"Mars/Olympus"}""", "timezone")]
    [TestCase("""{"email":"r@example.org","topics":["diffusion"],"hour":24}""", "hour")]
    [TestCase("""{"email":"r@example.org","topics":["diffusion"],"hour":-1}""", "hour")]
    [TestCase("""{"email":"r@example.org","topics":["diffusion"],"hour":"eight"}""", "hour")]
    [TestCase("""{"email":"r@example.org","topics":["diffusion"],"frequency":"hourly"}""", "frequency")]
    [TestCase("""{"email":"r@example.org","keywords":["diffusion AND"]}""", "keywords")]
    [TestCase("""{"email":"r@example.org","keywords":["\"unclosed phrase"]}""", "keywords")]
    [TestCase("""{"email":"r@example.org","topics":["diffusion"],"order":"newest"}""", "order")]
    [TestCase("""{"email":"r@example.org","topics":"diffusion"}""", "topics")]
    [TestCase("""[1,2]""", "body")]
    [TestCase("""{"email": """, "body")]
    public async Task Subscribe_Answers400WithAProblemNamingTheField_WhenInputIsBad(string json, string field)
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await Client(app).PostAsync("/api/subscriptions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(problem.RootElement.GetProperty("status").GetInt32(), Is.EqualTo(400));
        Assert.That(problem.RootElement.GetProperty("errors").TryGetProperty(field, out var messages), Is.True, problem.RootElement.ToString());
        Assert.That(messages[0].GetString(), Is.Not.Empty);
        Assert.That(_workspace.OutboxFiles(), Is.Empty);
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM subscribers"), Is.Zero);
    }

    [Test]
    public async Task Subscribe_RejectsTooManyTopicsAndKeywordsAndTooLongKeywords()
    {
        await using var app = new NewsletterFactory(_workspace, new Dictionary<string, string?>
        {
            ["Subscriptions:MaxTopics"] = "2", ["Subscriptions:MaxKeywords"] = "2", ["Subscriptions:MaxKeywordLength"] = "10",
        }).Started();
        var client = Client(app);

        var tooMany = await client.PostAsJsonAsync("/api/subscriptions", new
        {
            email = "r@example.org", topics = new[] { "diffusion", "reasoning", "model-merging" }, keywords = new[] { "a", "b", "c" },
        });
        var tooLong = await client.PostAsJsonAsync("/api/subscriptions", new { email = "r@example.org", keywords = new[] { "transformers everywhere" } });

        using var many = JsonDocument.Parse(await tooMany.Content.ReadAsStringAsync());
        Assert.That(many.RootElement.GetProperty("errors").GetProperty("topics")[0].GetString(), Does.Contain("at most 2"));
        Assert.That(many.RootElement.GetProperty("errors").GetProperty("keywords")[0].GetString(), Does.Contain("at most 2"));
        using var longOne = JsonDocument.Parse(await tooLong.Content.ReadAsStringAsync());
        Assert.That(longOne.RootElement.GetProperty("errors").GetProperty("keywords")[0].GetString(), Does.Contain("too long"));
    }

    [Test]
    public async Task Subscribe_Answers400_WhenTheBodyIsTooLarge()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var json = "{\"email\":\"r@example.org\",\"keywords\":[\"" + new string('a', 70_000) + "\"]}";

        var response = await Client(app).PostAsync("/api/subscriptions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("too large"));
    }

    [Test]
    public async Task Subscribe_Answers429_WhenOneClientExceedsTheRateLimit()
    {
        await using var app = new NewsletterFactory(_workspace, new Dictionary<string, string?> { ["Subscriptions:SubscribePermitsPerMinute"] = "2" }).Started();
        var client = Client(app);

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            codes.Add((await client.PostAsJsonAsync("/api/subscriptions", new { email = $"r{i}@example.org", topics = new[] { "diffusion" } })).StatusCode);

        Assert.That(codes, Is.EqualTo(new[] { HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests }));
        await SendConfirmationsAsync(app);
        Assert.That(_workspace.OutboxFiles(), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Topics_ListsTheCatalog()
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        using var topics = JsonDocument.Parse(await Client(app).GetStringAsync("/api/topics"));

        Assert.That(topics.RootElement.EnumerateArray().Select(t => t.GetProperty("slug").GetString()), Does.Contain("diffusion"));
        Assert.That(topics.RootElement[0].GetProperty("description").GetString(), Is.Not.Empty);
    }
}
