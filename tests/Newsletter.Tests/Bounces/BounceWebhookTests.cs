using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Newsletter.Tests.Bounces;

/// <summary><c>POST /webhooks/bounces/{provider}</c> through the real HTTP pipeline, signed with secrets made here.</summary>
public class BounceWebhookTests
{
    private WebhookApp _app = null!;
    private readonly string _secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly string _postmarkPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly string _mailgunKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    [SetUp]
    public void SetUp() => _app = new WebhookApp(new Dictionary<string, string?>
    {
        ["Bounces:Webhooks:Generic:Secret"] = _secret,
        ["Bounces:Webhooks:Postmark:User"] = "postmark",
        ["Bounces:Webhooks:Postmark:Password"] = _postmarkPassword,
        ["Bounces:Webhooks:Mailgun:SigningKey"] = _mailgunKey,
    });

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    private string State(int reader) => _app.State(reader);

    private int Events() => _app.Events();

    private Task<HttpResponseMessage> PostAsync(string provider, string json, Action<HttpRequestMessage>? sign = null) => _app.PostAsync(provider, json, sign);

    private Action<HttpRequestMessage> Bearer(string secret) => r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);

    private Action<HttpRequestMessage> Basic(string user, string password) =>
        r => r.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private string Mailgun(string key, string @event, string severity, string recipient, string messageId, string id, TimeSpan? age = null)
    {
        var timestamp = (_app.Clock.GetUtcNow() - (age ?? TimeSpan.FromSeconds(30))).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(25)).ToLowerInvariant();
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(timestamp + token)));
        return $$"""
            { "signature": { "timestamp": "{{timestamp}}", "token": "{{token}}", "signature": "{{signature}}" },
              "event-data": { "event": "{{@event}}", "id": "{{id}}", "severity": "{{severity}}", "recipient": "{{recipient}}",
                              "reason": "bounce", "delivery-status": { "code": 550, "message": "5.1.1 The email account that you tried to reach does not exist" },
                              "message": { "headers": { "message-id": "{{messageId}}" } } } }
            """;
    }

    [Test]
    public async Task Generic_WithTheSecret_RecordsAndApplies_AndARetryCountsOnce()
    {
        var body = """{ "deliveryId": 1, "type": "hard", "reason": "550 5.1.1 unknown user", "id": "evt-1" }""";

        var response = await PostAsync("generic", body, Bearer(_secret));
        var retry = await PostAsync("generic", body, r => r.Headers.Add("X-Webhook-Secret", _secret));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"recorded\":1").And.Contain("suppressed"));
        Assert.That(await retry.Content.ReadAsStringAsync(), Does.Contain("\"repeated\":1"));
        Assert.That(State(1), Is.EqualTo("suppressed"));
        Assert.That(Events(), Is.EqualTo(1));
    }

    [Test]
    public async Task Generic_ComplaintByEmail_Unsubscribes()
    {
        var response = await PostAsync("generic", """{ "email": "Reader2@Example.org", "type": "complaint" }""", Bearer(_secret));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(State(2), Is.EqualTo("unsubscribed"));
    }

    [TestCase(null)]
    [TestCase("wrong")]
    public async Task Generic_WithoutTheSecret_Is401_AndRecordsNothing(string? secret)
    {
        var response = await PostAsync("generic", """{ "deliveryId": 1, "type": "hard" }""", secret is null ? null : Bearer(secret));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((Events(), State(1)), Is.EqualTo((0, "confirmed")));
    }

    [TestCase("{ not json", "body")]
    [TestCase("""{ "deliveryId": 1, "type": "maybe" }""", "type")]
    [TestCase("""{ "type": "hard" }""", "deliveryId")]
    [TestCase("""{ "deliveryId": "1; DROP TABLE x", "type": "hard" }""", "deliveryId")]
    [TestCase("[1, 2]", "body")]
    public async Task Generic_BadBody_Is400NamingTheField(string body, string field)
    {
        var response = await PostAsync("generic", body, Bearer(_secret));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"\"{field}\""));
        Assert.That(Events(), Is.Zero);
    }

    [Test]
    public async Task BodyOverTheLimit_Is413()
    {
        var body = """{ "deliveryId": 1, "type": "hard", "reason": " """ + new string('x', 300 * 1024) + "\" }";

        var response = await PostAsync("generic", body, Bearer(_secret));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(Events(), Is.Zero);
    }

    [TestCase("ses")]
    [TestCase("sendgrid")]
    [TestCase("nosuch")]
    public async Task ProviderThatIsOff_Is404(string provider)
    {
        var response = await PostAsync(provider, "{}", Bearer(_secret));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Postmark_WithBasicAuth_RecordsItsSpamComplaint_AndAWrongPasswordIs401()
    {
        var body = """{ "RecordType": "SpamComplaint", "ID": 42, "Type": "SpamComplaint", "TypeCode": 512, "Email": "reader3@example.org", "Description": "The subscriber explicitly marked this message as spam." }""";

        var forged = await PostAsync("postmark", body, Basic("postmark", "guess"));
        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(Events(), Is.Zero);

        var response = await PostAsync("postmark", body, Basic("postmark", _postmarkPassword));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(State(3), Is.EqualTo("unsubscribed"));
    }

    [Test]
    public async Task Postmark_HardBounce_Suppresses()
    {
        var body = """{ "RecordType": "Bounce", "ID": 7, "Type": "HardBounce", "TypeCode": 1, "Email": "reader4@example.org", "Details": "smtp;550 5.1.1 no such user" }""";

        var response = await PostAsync("postmark", body, Basic("postmark", _postmarkPassword));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(State(4), Is.EqualTo("suppressed"));
    }

    [Test]
    public async Task Mailgun_SignedPermanentFailure_MatchesOurMessageId_AndAForgedSignatureIs401()
    {
        var messageId = "digest.5.daily.2026-11-24@newsletter.localhost";
        var forged = await PostAsync("mailgun", Mailgun("not-the-key", "failed", "permanent", "reader5@example.org", messageId, "mg-1"));
        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(Events(), Is.Zero);

        var response = await PostAsync("mailgun", Mailgun(_mailgunKey, "failed", "permanent", "reader5@example.org", messageId, "mg-1"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(State(5), Is.EqualTo("suppressed"));
        Assert.That(_app.Recorded().Select(e => (e.Delivery, e.Source, e.MatchedBy)), Is.EqualTo(new[] { ((long?)5, "webhook:mailgun", "provider") }));
    }

    [Test]
    public async Task Mailgun_TemporaryFailure_IsSoft_AndDoesNotSuppressAlone()
    {
        var response = await PostAsync("mailgun", Mailgun(_mailgunKey, "failed", "temporary", "reader6@example.org", "x@y", "mg-2"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(State(6), Is.EqualTo("confirmed"));
        Assert.That(Events(), Is.EqualTo(1));
    }

    [TestCase(16)]
    [TestCase(-16)]
    public async Task Mailgun_SignedTimestampFurtherThan15MinutesFromNow_IsAReplay_401(int minutesOld)
    {
        var body = Mailgun(_mailgunKey, "failed", "permanent", "reader5@example.org", "x@y", "mg-3", TimeSpan.FromMinutes(minutesOld));

        var response = await PostAsync("mailgun", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((Events(), State(5)), Is.EqualTo((0, "confirmed")));
    }

    [Test]
    public async Task Mailgun_SignedTimestamp14MinutesOld_IsAccepted()
    {
        var response = await PostAsync("mailgun", Mailgun(_mailgunKey, "failed", "permanent", "reader5@example.org", "x@y", "mg-4", TimeSpan.FromMinutes(14)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(State(5), Is.EqualTo("suppressed"));
    }
}
