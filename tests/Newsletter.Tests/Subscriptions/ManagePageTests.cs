using System.Net;
using System.Text.Json;
using Newsletter.Delivery;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Subscriptions;

/// <summary>The manage page: change preferences, download my data, delete everything, stop one topic.</summary>
public class ManagePageTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private async Task<(NewsletterFactory App, HttpClient Client, long Id, string Manage)> ConfirmedReaderAsync()
    {
        var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var id = await SubscribeConfirmedAsync(app, client, _workspace,
            new { email = "m@example.org", topics = new[] { "diffusion", "reasoning" }, keywords = new[] { "mamba" } }, "m@example.org");
        return (app, client, id, new Uri(app.Get<SubscriptionLinks>().ForDigest(id, []).Manage).AbsolutePath);
    }

    [Test]
    public async Task Manage_SavesNewPreferences_AndMovesTheNextDigest()
    {
        var (app, client, _, manage) = await ConfirmedReaderAsync();
        await using var _app = app;

        var response = await PostFormAsync(client, manage, manage,
            ("topics", "model-merging"), ("keywords", "\"protein design\""), ("frequency", "weekly"), ("weekday", "5"), ("hour", "18"),
            ("timezone", "Asia/Tokyo"), ("action", "save"));
        var page = await client.GetStringAsync(response.Headers.Location!.ToString());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.SeeOther));
        Assert.That(page, Does.Contain("Your preferences are saved").And.Contain("value=\"model-merging\" checked").And.Contain("value=\"Asia/Tokyo\""));
        Assert.That(Scalar<string>(app, "SELECT group_concat(kind || ':' || value, '|') FROM subscriber_filters"), Is.EqualTo("keyword:\"protein design\"|topic:model-merging"));
        var nextDue = DateTimeOffset.Parse(Scalar<string>(app, "SELECT next_due_at FROM subscribers"), System.Globalization.CultureInfo.InvariantCulture);
        var tokyo = TimeZoneInfo.ConvertTime(nextDue, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        Assert.That((tokyo.DayOfWeek, tokyo.Hour), Is.EqualTo((DayOfWeek.Friday, 18)));
    }

    [Test]
    public async Task Manage_KeepsTheStoredPreferences_WhenTheFormHasErrors()
    {
        var (app, client, _, manage) = await ConfirmedReaderAsync();
        await using var _app = app;

        var response = await PostFormAsync(client, manage, manage, ("topics", "bogus"), ("hour", "8"), ("timezone", "UTC"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("id=\"topics-error\"").And.Contain("Unknown topic: bogus"));
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM subscriber_filters"), Is.EqualTo(3));
    }

    [Test]
    public async Task Manage_DownloadsMyData_AsJson()
    {
        var (app, client, _, manage) = await ConfirmedReaderAsync();
        await using var _app = app;

        var response = await client.GetAsync(manage + "/data");
        using var data = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(response.Content.Headers.ContentDisposition?.DispositionType, Is.EqualTo("attachment"));
        Assert.That(data.RootElement.GetProperty("email").GetString(), Is.EqualTo("m@example.org"));
        Assert.That(data.RootElement.GetProperty("topics").EnumerateArray().Select(t => t.GetString()), Is.EquivalentTo(new[] { "diffusion", "reasoning" }));
        Assert.That(data.RootElement.GetProperty("keywords")[0].GetString(), Is.EqualTo("mamba"));
    }

    [Test]
    public async Task DeleteEverything_RemovesSubscriberFiltersTokensAndDeliveries()
    {
        var (app, client, id, manage) = await ConfirmedReaderAsync();
        await using var _app = app;
        await IngestFixtureAsync(app);
        await app.Get<DigestJob>().RunAtAsync(DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None);
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM deliveries WHERE subscriber_id = @id", new { id }), Is.EqualTo(1), "there is history to delete");

        var response = await PostFormAsync(client, manage, manage + "/delete");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Everything about you is deleted"));
        foreach (var table in new[] { "subscribers WHERE id = @id", "subscriber_filters WHERE subscriber_id = @id", "tokens WHERE subscriber_id = @id",
                     "deliveries WHERE subscriber_id = @id", "confirmation_sends WHERE subscriber_id = @id",
                     "confirmations WHERE subscriber_id = @id" })
            Assert.That(Scalar<long>(app, "SELECT count(*) FROM " + table, new { id }), Is.Zero, table);
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM subscribers WHERE email = 'm@example.org'"), Is.Zero);
        Assert.That((await client.GetAsync(manage)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the old links are dead");
    }

    [Test]
    public async Task DeleteEverything_IsRejected_WithoutTheAntiforgeryToken()
    {
        var (app, client, _, manage) = await ConfirmedReaderAsync();
        await using var _app = app;

        var response = await client.PostAsync(manage + "/delete", new FormUrlEncodedContent([]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM subscribers"), Is.EqualTo(1));
    }

    [Test]
    public async Task StopTopic_GetShowsAButton_PostRemovesOnlyThatTopic()
    {
        var (app, client, id, _) = await ConfirmedReaderAsync();
        await using var _app = app;
        var stop = new Uri(app.Get<SubscriptionLinks>().ForDigest(id, ["diffusion"]).TopicStops["diffusion"]).AbsolutePath;

        var page = await client.GetStringAsync(stop);
        Assert.That(page, Does.Contain("Stop sending me").And.Contain("Diffusion models"));
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM subscriber_filters WHERE value = 'diffusion'"), Is.EqualTo(1), "a GET changes nothing");

        var response = await PostFormAsync(client, stop, stop);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Scalar<string>(app, "SELECT group_concat(value, '|') FROM (SELECT value FROM subscriber_filters ORDER BY value)"), Is.EqualTo("mamba|reasoning"));
    }
}
