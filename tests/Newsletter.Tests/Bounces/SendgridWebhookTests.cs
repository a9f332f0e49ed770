using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Newsletter.Bounces;
using Newsletter.Delivery;

namespace Newsletter.Tests.Bounces;

/// <summary>
/// <c>POST /webhooks/bounces/sendgrid</c>: SendGrid's signed event webhook, with an ECDSA P-256 key made here
/// (and another one for forgeries).
/// </summary>
public class SendgridWebhookTests
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private WebhookApp _app = null!;

    [SetUp]
    public void SetUp() => _app = new WebhookApp(new Dictionary<string, string?>
    {
        ["Bounces:Webhooks:Sendgrid:PublicKey"] = Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo()),
    });

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [OneTimeTearDown]
    public void DisposeKey() => _key.Dispose();

    private string Token(long row) => _app.Get<BounceAddress>().Token(row);

    /// <summary>Posts <paramref name="body"/> signed by <paramref name="signer"/> (the configured key by default) at a timestamp <paramref name="age"/> ago.</summary>
    private Task<HttpResponseMessage> PostSignedAsync(string body, ECDsa? signer = null, TimeSpan? age = null, string? sentBody = null)
    {
        var timestamp = (_app.Clock.GetUtcNow() - (age ?? TimeSpan.FromSeconds(5))).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = (signer ?? _key).SignData(Encoding.UTF8.GetBytes(timestamp + body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return _app.PostAsync("sendgrid", sentBody ?? body, r =>
        {
            r.Headers.Add(BounceWebhooks.SendgridSignatureHeader, Convert.ToBase64String(signature));
            r.Headers.Add(BounceWebhooks.SendgridTimestampHeader, timestamp);
        });
    }

    [Test]
    public async Task SignedBounce_WithOurTokenInCustomArgs_Suppresses_AndARetryCountsOnce()
    {
        var body = $$"""
            [{ "email": "reader1@example.org", "timestamp": 1764576000, "event": "bounce", "type": "bounce", "status": "5.1.1",
               "reason": "550 5.1.1 The email account that you tried to reach does not exist.", "sg_event_id": "sg-1",
               "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0", "newsletter_delivery": "{{Token(1)}}" },
             { "email": "reader1@example.org", "timestamp": 1764576000, "event": "delivered", "sg_event_id": "sg-0" }]
            """;

        var response = await PostSignedAsync(body);
        var retry = await PostSignedAsync(body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(await retry.Content.ReadAsStringAsync(), Does.Contain("\"repeated\":1"));
        Assert.That(_app.State(1), Is.EqualTo("suppressed"));
        Assert.That(_app.Recorded(), Is.EqualTo(new[] { ((long?)1, "hard", "webhook:sendgrid", "header") }));
    }

    [Test]
    public async Task SpamReport_MatchedByOurMessageIdInSmtpId_Unsubscribes_AndBlockedChangesNothing()
    {
        var body = """
            [{ "email": "reader2@example.org", "timestamp": 1764576000, "event": "spamreport", "sg_event_id": "sg-2",
               "smtp-id": "<digest.2.daily.2026-11-24@newsletter.localhost>" },
             { "email": "reader3@example.org", "timestamp": 1764576000, "event": "bounce", "type": "blocked", "status": "5.7.1",
               "reason": "550 5.7.1 Message rejected due to local policy", "sg_event_id": "sg-3" }]
            """;

        var response = await PostSignedAsync(body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That((_app.State(2), _app.State(3)), Is.EqualTo(("unsubscribed", "confirmed")));
        Assert.That(_app.Recorded(), Is.EqualTo(new[] { ((long?)2, "complaint", "webhook:sendgrid", "provider"), (null, "blocked", "webhook:sendgrid", "provider") }));
    }

    [Test]
    public async Task SignedByAnotherKey_Is401_AndRecordsNothing()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var response = await PostSignedAsync("""[{ "email": "reader4@example.org", "event": "spamreport", "sg_event_id": "sg-4" }]""", stranger);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((_app.Events(), _app.State(4)), Is.EqualTo((0, "confirmed")));
    }

    [Test]
    public async Task BodyChangedAfterSigning_Is401()
    {
        var signed = """[{ "email": "reader4@example.org", "event": "delivered", "sg_event_id": "sg-5" }]""";

        var response = await PostSignedAsync(signed, sentBody: signed.Replace("delivered", "spamreport"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((_app.Events(), _app.State(4)), Is.EqualTo((0, "confirmed")));
    }

    [Test]
    public async Task Unsigned_Is401()
    {
        var response = await _app.PostAsync("sendgrid", """[{ "email": "reader4@example.org", "event": "spamreport" }]""");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(_app.Events(), Is.Zero);
    }

    [TestCase(16)]
    [TestCase(-16)]
    public async Task TimestampFurtherThan15MinutesFromNow_IsAReplay_401(int minutesOld)
    {
        var response = await PostSignedAsync("""[{ "email": "reader4@example.org", "event": "spamreport", "sg_event_id": "sg-6" }]""", age: TimeSpan.FromMinutes(minutesOld));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((_app.Events(), _app.State(4)), Is.EqualTo((0, "confirmed")));
    }

    [TestCase("{ not json", "body")]
    [TestCase("""{ "event": "bounce" }""", "body")]
    [TestCase("""[{ "event": "bounce", "type": "bounce" }]""", "[0].email")]
    [TestCase("""[42]""", "[0]")]
    [TestCase("""[{ "email": "reader4@example.org" }]""", "[0].event")]
    public async Task SignedBodyThatIsNotSendgridEvents_Is400NamingTheField(string body, string field)
    {
        var response = await PostSignedAsync(body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"\"{field}\""));
        Assert.That(_app.Events(), Is.Zero);
    }

    [Test]
    public void PublicKeyThatIsNotAP256Key_IsASettingsProblemNamingTheKey()
    {
        using var rsa = RSA.Create(2048);
        var options = new BounceOptions();
        options.Webhooks.Sendgrid.PublicKey = Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());

        Assert.That(options.Problems(), Has.One.StartsWith("Bounces:Webhooks:Sendgrid:PublicKey:"));
    }
}
