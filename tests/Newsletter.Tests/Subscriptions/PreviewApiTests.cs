using System.Net;
using System.Text.Json;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Subscriptions;

/// <summary>GET /api/preview: what the chosen filters would have delivered over the last days.</summary>
public class PreviewApiTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task Preview_ListsThePapersTheTopicsAndKeywordsMatch()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        await IngestFixtureAsync(app);

        using var preview = JsonDocument.Parse(await Client(app).GetStringAsync(
            "/api/preview?topics=model-merging&keywords=" + Uri.EscapeDataString("diffusion NOT medical")));

        var titles = preview.RootElement.GetProperty("papers").EnumerateArray().Select(p => p.GetProperty("title").GetString()).ToList();
        Assert.That(preview.RootElement.GetProperty("count").GetInt32(), Is.EqualTo(2));
        Assert.That(titles, Is.EquivalentTo(new[] { "Latent Diffusion for Protein Design", "Model Merging Without Retraining" }));
    }

    [Test]
    public async Task Preview_LeavesOutPapersOlderThanTheWindow()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        await IngestFixtureAsync(app);
        Execute(app, "UPDATE papers SET first_seen_at = '2020-01-01T00:00:00.000Z' WHERE title LIKE 'Mamba%'");

        using var preview = JsonDocument.Parse(await Client(app).GetStringAsync("/api/preview?keywords=mamba"));

        Assert.That(preview.RootElement.GetProperty("count").GetInt32(), Is.Zero);
    }

    [TestCase("/api/preview?keywords=%28mamba", "keywords")]
    [TestCase("/api/preview?topics=nope", "topics")]
    public async Task Preview_Answers400_ForABadKeywordOrTopic(string path, string field)
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await Client(app).GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), Is.True);
    }

    [Test]
    public async Task Preview_Answers429_WhenOneClientExceedsTheRateLimit()
    {
        await using var app = new NewsletterFactory(_workspace, new Dictionary<string, string?> { ["Subscriptions:PreviewPermitsPerMinute"] = "3" }).Started();
        var client = Client(app);

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) codes.Add((await client.GetAsync("/api/preview?topics=diffusion")).StatusCode);

        Assert.That(codes[..3], Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(codes[3], Is.EqualTo(HttpStatusCode.TooManyRequests));
    }
}
