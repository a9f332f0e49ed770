using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Subscriptions;

/// <summary>
/// Only the owner of an address changes what it receives: a stranger's request queues a confirmation email and
/// nothing else; the choices it carries apply when the emailed link's button is pressed.
/// </summary>
public partial class ConsentTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private static string Filters(NewsletterFactory app) =>
        Scalar<string>(app, "SELECT group_concat(kind || ':' || value, '|') FROM (SELECT * FROM subscriber_filters ORDER BY kind, value)") ?? "";

    private static async Task UnsubscribeAsync(NewsletterFactory app, long id)
    {
        var unsubscribe = new Uri(app.Get<SubscriptionLinks>().ForDigest(id, []).Unsubscribe).AbsolutePath;
        var response = await Client(app).PostAsync(unsubscribe, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task UnsubscribedReader_WasResubscribedByAStranger_NowNothingChangesUntilTheOwnerConfirms()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var owner = Client(app);
        var id = await SubscribeConfirmedAsync(app, owner, _workspace, new { email = "gone@example.org", topics = new[] { "diffusion" } }, "gone@example.org");
        await UnsubscribeAsync(app, id);

        var stranger = await Client(app).PostAsJsonAsync("/api/subscriptions", new { email = "gone@example.org", topics = new[] { "reasoning" }, frequency = "weekly" });

        Assert.That(stranger.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(Scalar<string>(app, "SELECT state || ' ' || frequency FROM subscribers"), Is.EqualTo("unsubscribed daily"));
        Assert.That(Filters(app), Is.EqualTo("topic:diffusion"), "the old choices stay");

        // The request's choices travel with the emailed link; the owner's press applies them.
        Assert.That(await SendConfirmationsAsync(app), Is.EqualTo(1));
        var link = ConfirmPath(_workspace.OutboxFiles()[^1]);
        Assert.That(Scalar<string>(app, "SELECT state FROM subscribers"), Is.EqualTo("unsubscribed"), "mailing the link changes nothing");
        Assert.That((await ConfirmAsync(owner, link)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Scalar<string>(app, "SELECT state || ' ' || frequency FROM subscribers"), Is.EqualTo("confirmed weekly"));
        Assert.That(Filters(app), Is.EqualTo("topic:reasoning"));
    }

    [Test]
    public async Task SuppressedReader_StaysSuppressed_WhenAStrangerSubscribesTheAddress()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var id = await SubscribeConfirmedAsync(app, Client(app), _workspace, new { email = "bounced@example.org", topics = new[] { "diffusion" } }, "bounced@example.org");
        Execute(app, "UPDATE subscribers SET state = 'suppressed', next_due_at = NULL WHERE id = @id", new { id });

        await Client(app).PostAsJsonAsync("/api/subscriptions", new { email = "bounced@example.org", keywords = new[] { "mamba" } });

        Assert.That(Scalar<string>(app, "SELECT state FROM subscribers"), Is.EqualTo("suppressed"));
        Assert.That(Filters(app), Is.EqualTo("topic:diffusion"));
    }

    [Test]
    public async Task ConfirmedReader_KeepsTheirChoices_UntilTheEmailedLinkIsUsed()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var owner = Client(app);
        await SubscribeConfirmedAsync(app, owner, _workspace, new { email = "kept@example.org", topics = new[] { "diffusion" }, hour = 7 }, "kept@example.org");
        var dueBefore = Scalar<string>(app, "SELECT next_due_at FROM subscribers");
        var mailsBefore = _workspace.OutboxFiles().Count;

        await Client(app).PostAsJsonAsync("/api/subscriptions", new { email = "kept@example.org", keywords = new[] { "mamba" }, hour = 18 });
        await SendConfirmationsAsync(app);

        Assert.That(Filters(app), Is.EqualTo("topic:diffusion"));
        Assert.That(Scalar<string>(app, "SELECT state || ' ' || hour || ' ' || next_due_at FROM subscribers"), Is.EqualTo($"confirmed 7 {dueBefore}"));
        Assert.That(_workspace.OutboxFiles(), Has.Count.EqualTo(mailsBefore + 1), "the owner is asked");
        var email = await MimeKit.MimeMessage.LoadAsync(_workspace.OutboxFiles()[^1]);
        Assert.That(email.TextBody, Does.Contain("change what"), "an existing reader is asked to apply new choices");
        var question = await owner.GetStringAsync(ConfirmPath(_workspace.OutboxFiles()[^1]));
        Assert.That(question, Does.Contain("Apply your new choices"));
        Assert.That(question, Does.Contain("<code>mamba</code>").And.Contain("daily at 18:00 (UTC)").And.Not.Contain("Topics"),
            "the page shows what the press would apply, so nobody approves choices they did not make");

        await ConfirmAsync(owner, ConfirmPath(_workspace.OutboxFiles()[^1]));

        Assert.That(Filters(app), Is.EqualTo("keyword:mamba"));
        Assert.That(Scalar<long>(app, "SELECT hour FROM subscribers"), Is.EqualTo(18));
    }

    [Test]
    public async Task ConfirmGet_ShowsTheMaskedAddressAndAButton_AndConfirmsNothing()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var link = await SubscribeAsync(app, client, _workspace, new { email = "scanned@example.org", topics = new[] { "diffusion" } });

        // A mail scanner fetches the link, twice.
        var first = await client.GetAsync(link);
        await client.GetAsync(link);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var html = await first.Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain("s***@example.org").And.Not.Contain("scanned@"));
        Assert.That(html, Does.Contain($"<form method=\"post\" action=\"{link}\">"));
        Assert.That(Scalar<string>(app, "SELECT state FROM subscribers"), Is.EqualTo("pending"));
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM confirmations WHERE used_at IS NOT NULL"), Is.Zero);
    }

    [Test]
    public async Task ConfirmPost_IsRefused_WithoutTheAntiforgeryToken()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var link = await SubscribeAsync(app, Client(app), _workspace, new { email = "forged@example.org", topics = new[] { "diffusion" } });

        var response = await Client(app).PostAsync(link, new FormUrlEncodedContent([]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Scalar<string>(app, "SELECT state FROM subscribers"), Is.EqualTo("pending"));
    }

    [Test]
    public async Task ConfirmedPage_SaysWhenTheFirstDigestArrives_InTheReadersZone()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var link = await SubscribeAsync(app, client, _workspace,
            new { email = "when@example.org", topics = new[] { "diffusion" }, frequency = "weekly", weekday = 3, hour = 7, timezone = "America/New_York" });

        var html = await (await ConfirmAsync(client, link)).Content.ReadAsStringAsync();

        var due = DateTimeOffset.Parse(Scalar<string>(app, "SELECT next_due_at FROM subscribers"), System.Globalization.CultureInfo.InvariantCulture);
        var local = TimeZoneInfo.ConvertTime(due, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        Assert.That(local.DayOfWeek, Is.EqualTo(DayOfWeek.Wednesday));
        var text = Regex.Replace(html, "<[^>]+>", "");
        Assert.That(text, Does.Contain($"arrives on {local.ToString("dddd d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)} at 07:00 (America/New_York)"));
        Assert.That(text, Does.Contain("w***@example.org"));
    }

    [Test]
    public async Task UnsubscribeAndPreferencesPages_NameTheMaskedAddress_AndTheDataDownloadListsConfirmationEmails()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        var id = await SubscribeConfirmedAsync(app, client, _workspace, new { email = "reader@example.org", topics = new[] { "diffusion" } }, "reader@example.org");
        var links = app.Get<SubscriptionLinks>().ForDigest(id, []);

        var unsubscribe = await client.GetStringAsync(new Uri(links.Unsubscribe).AbsolutePath);
        var manage = await client.GetStringAsync(new Uri(links.Manage).AbsolutePath);

        Assert.That(unsubscribe, Does.Contain("r***@example.org").And.Not.Contain("reader@example.org"));
        Assert.That(manage, Does.Contain("r***@example.org"));
        using var data = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri(links.Manage).AbsolutePath + "/data"));
        var emails = data.RootElement.GetProperty("confirmationEmails");
        Assert.That(emails.GetArrayLength(), Is.EqualTo(1), "the stored confirmation is part of their data");
        Assert.That(emails[0].GetProperty("state").GetString(), Is.EqualTo("sent"));
    }

    [Test]
    public async Task QuotedLocalParts_BecameThreeReaders_NowAreOne()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);

        foreach (var spelling in new[] { "victim@example.com", "\"victim\"@example.com", "\"v\\ictim\"@example.com" })
        {
            var response = await client.PostAsJsonAsync("/api/subscriptions", new { email = spelling, topics = new[] { "diffusion" } });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), spelling);
        }
        var refused = await client.PostAsJsonAsync("/api/subscriptions", new { email = "\"vic tim\"@example.com", topics = new[] { "diffusion" } });

        Assert.That(Scalar<string>(app, "SELECT group_concat(email) FROM subscribers"), Is.EqualTo("victim@example.com"));
        Assert.That(Scalar<long>(app, "SELECT sum(count) FROM confirmation_sends"), Is.EqualTo(3), "one mailbox, one daily cap");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
