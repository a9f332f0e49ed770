using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Newsletter.Bounces;
using Newsletter.Delivery;

namespace Newsletter.Tests.Bounces;

/// <summary>
/// <c>POST /webhooks/bounces/ses</c>: SNS messages signed with a key made here, whose certificate the app fetches
/// through <see cref="SnsStub"/>; SES events as SES documents them.
/// </summary>
public class SesWebhookTests
{
    private WebhookApp _app = null!;

    [SetUp]
    public void SetUp() => _app = new WebhookApp(new Dictionary<string, string?>
    {
        ["Bounces:Webhooks:Ses:TopicArn"] = "arn:aws:sns:eu-west-1:123456789012:other, " + SnsStub.Topic,
    });

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> PostAsync(string type, string body) =>
        _app.PostAsync("ses", body, r => r.Headers.Add("x-amz-sns-message-type", type));

    private string Token(long row) => _app.Get<BounceAddress>().Token(row);

    /// <summary>An SES event: <paramref name="kind"/> Bounce or Complaint about reader <paramref name="reader"/>, with <paramref name="headers"/> in <c>mail</c>.</summary>
    private static string SesEvent(string kind, int reader, string? source = null, string bounceType = "Permanent", string status = "5.1.1",
        params (string Name, string Value)[] headers)
    {
        var email = $"reader{reader}@example.org";
        var mail = new JsonObject
        {
            ["timestamp"] = "2026-12-01T07:59:58.000Z", ["messageId"] = "0102018f2b5c-ses-id-000000", ["source"] = source ?? "newsletter@newsletter.localhost",
            ["destination"] = new JsonArray(email), ["headersTruncated"] = false,
            ["headers"] = new JsonArray(headers.Select(h => (JsonNode)new JsonObject { ["name"] = h.Name, ["value"] = h.Value }).ToArray()),
        };
        var body = new JsonObject { ["notificationType"] = kind, ["mail"] = mail };
        if (kind == "Bounce")
            body["bounce"] = new JsonObject
            {
                ["bounceType"] = bounceType, ["bounceSubType"] = "General", ["feedbackId"] = $"fb-{reader}-{kind}", ["timestamp"] = "2026-12-01T08:00:00.000Z",
                ["bouncedRecipients"] = new JsonArray(new JsonObject
                {
                    ["emailAddress"] = email, ["action"] = "failed", ["status"] = status, ["diagnosticCode"] = $"smtp; 550 {status} <{email}>: Recipient address rejected",
                }),
            };
        else
            body["complaint"] = new JsonObject
            {
                ["feedbackId"] = $"fb-{reader}-{kind}", ["complaintFeedbackType"] = "abuse", ["timestamp"] = "2026-12-01T08:00:00.000Z",
                ["complainedRecipients"] = new JsonArray(new JsonObject { ["emailAddress"] = email }),
            };
        return body.ToJsonString();
    }

    [Test]
    public async Task PermanentBounce_WithOurSignedHeader_Suppresses_AndARetryCountsOnce_WithOneCertificateFetch()
    {
        var body = _app.Sns.Message("Notification", SesEvent("Bounce", 1, headers: ("X-Newsletter-Delivery", Token(1))));

        var response = await PostAsync("Notification", body);
        var retry = await PostAsync("Notification", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(await retry.Content.ReadAsStringAsync(), Does.Contain("\"repeated\":1"));
        Assert.That(_app.State(1), Is.EqualTo("suppressed"));
        Assert.That(_app.Recorded(), Is.EqualTo(new[] { ((long?)1, "hard", "webhook:ses", "header") }));
        Assert.That(_app.Sns.Requests, Is.EqualTo(new[] { SnsStub.CertificateUrl }));
    }

    [Test]
    public async Task Complaint_SignatureVersion1_WithOurVerpReturnPath_Unsubscribes()
    {
        var verp = $"bounces+{Token(2)}@newsletter.localhost";
        var body = _app.Sns.Message("Notification", SesEvent("Complaint", 2, source: verp), version: "1");

        var response = await PostAsync("Notification", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(_app.State(2), Is.EqualTo("unsubscribed"));
        Assert.That(_app.Recorded(), Is.EqualTo(new[] { ((long?)2, "complaint", "webhook:ses", "verp") }));
    }

    [Test]
    public async Task TransientBounce_IsSoft_AndDoesNotSuppressAlone()
    {
        var body = _app.Sns.Message("Notification", SesEvent("Bounce", 3, bounceType: "Transient", status: "4.2.2", headers: ("X-Newsletter-Delivery", Token(3))));

        var response = await PostAsync("Notification", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_app.Recorded().Single().Kind, Is.EqualTo("soft"));
        Assert.That(_app.State(3), Is.EqualTo("confirmed"));
    }

    [Test]
    public async Task BounceNamingOnlyTheAddressOrOurMessageId_IsRecordedUnproven_AndChangesNothing()
    {
        var byAddress = _app.Sns.Message("Notification", SesEvent("Bounce", 4), id: "sns-1");
        var byMessageId = _app.Sns.Message("Notification", SesEvent("Bounce", 5, headers: ("Message-ID", "<digest.5.daily.2026-11-24@newsletter.localhost>")), id: "sns-2");
        var forgedToken = _app.Sns.Message("Notification", SesEvent("Bounce", 6, headers: ("X-Newsletter-Delivery", "6-0000000000000000")), id: "sns-3");

        foreach (var body in new[] { byAddress, byMessageId, forgedToken })
            Assert.That((await PostAsync("Notification", body)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        Assert.That(_app.Recorded().Select(e => (e.Delivery, e.MatchedBy)), Is.EqualTo(new[] { ((long?)null, "address"), (5, "message-id"), (null, "address") }));
        Assert.That(new[] { _app.State(4), _app.State(5), _app.State(6) }, Is.All.EqualTo("confirmed"));
    }

    [Test]
    public async Task SignedByAnotherKey_Is401_AndRecordsNothing()
    {
        using var stranger = RSA.Create(2048);
        var body = _app.Sns.Message("Notification", SesEvent("Bounce", 1, headers: ("X-Newsletter-Delivery", Token(1))), signer: stranger);

        var response = await PostAsync("Notification", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((_app.Events(), _app.State(1)), Is.EqualTo((0, "confirmed")));
    }

    [Test]
    public async Task ChangedAfterSigning_Is401()
    {
        var body = _app.Sns.Message("Notification", SesEvent("Bounce", 7, headers: ("X-Newsletter-Delivery", Token(7))))
            .Replace("reader7@example.org", "reader8@example.org");

        var response = await PostAsync("Notification", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(_app.Events(), Is.Zero);
    }

    [TestCase("https://sns.eu-west-1.amazonaws.com.attacker.example/cert.pem")]
    [TestCase("https://attacker.example/sns.eu-west-1.amazonaws.com/cert.pem")]
    [TestCase("http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem")]
    [TestCase("https://sns.eu-west-1.amazonaws.com:8443/SimpleNotificationService-0123456789abcdef.pem")]
    [TestCase("https://user@sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem")]
    [TestCase("https://s3.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem")]
    [TestCase("file:///etc/passwd")]
    public async Task CertificateUrlOffAnSnsHost_Is401_AndNothingIsFetched(string url)
    {
        var body = _app.Sns.Message("Notification", SesEvent("Bounce", 1, headers: ("X-Newsletter-Delivery", Token(1))), certificateUrl: url);

        var response = await PostAsync("Notification", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(_app.Sns.Requests, Is.Empty);
        Assert.That(_app.Events(), Is.Zero);
    }

    [TestCase("{ not json")]
    [TestCase("""{ "Type": "Notification", "Message": "{}" }""")]
    public async Task BodyThatIsNotASignedSnsMessage_Is401_AndNothingIsFetched(string body)
    {
        var response = await PostAsync("Notification", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(_app.Sns.Requests, Is.Empty);
    }

    [Test]
    public async Task AnotherTopic_Is401_AndNothingIsFetched()
    {
        var body = _app.Sns.Message("Notification", SesEvent("Bounce", 1, headers: ("X-Newsletter-Delivery", Token(1))), topic: "arn:aws:sns:eu-west-1:999999999999:theirs");

        var response = await PostAsync("Notification", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(_app.Sns.Requests, Is.Empty);
    }

    [TestCase("SubscriptionConfirmation")]
    [TestCase("")]
    public async Task MessageTypeHeaderThatDisagreesWithTheBody_Is401(string header)
    {
        var body = _app.Sns.Message("Notification", SesEvent("Bounce", 1, headers: ("X-Newsletter-Delivery", Token(1))));

        var response = await PostAsync(header, body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(_app.Events(), Is.Zero);
    }

    [Test]
    public async Task SubscriptionConfirmation_VisitsTheSubscribeUrl()
    {
        var response = await PostAsync("SubscriptionConfirmation", _app.Sns.Message("SubscriptionConfirmation", "You have chosen to subscribe to the topic."));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(_app.Sns.Requests, Is.EqualTo(new[] { SnsStub.CertificateUrl, SnsStub.SubscribeUrl }));
        Assert.That(_app.Events(), Is.Zero);
    }

    [Test]
    public async Task CertificateSnsCannotServe_Is503_SoSnsDeliversAgain_AndRecordsNothing()
    {
        const string missing = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-gone.pem";
        var body = _app.Sns.Message("Notification", SesEvent("Bounce", 1, headers: ("X-Newsletter-Delivery", Token(1))), certificateUrl: missing);

        var response = await PostAsync("Notification", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(_app.Sns.Requests, Is.EqualTo(new[] { missing }));
        Assert.That((_app.Events(), _app.State(1)), Is.EqualTo((0, "confirmed")));
    }

    [Test]
    public async Task UnsignedSubscriptionConfirmation_Is401_AndTheSubscribeUrlIsNotVisited()
    {
        using var stranger = RSA.Create(2048);
        var response = await PostAsync("SubscriptionConfirmation", _app.Sns.Message("SubscriptionConfirmation", "subscribe?", signer: stranger));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(_app.Sns.Requests, Has.None.EqualTo(SnsStub.SubscribeUrl));
    }

    [TestCase("not json", "Message")]
    [TestCase("""{ "notificationType": "Bounce" }""", "Message.bounce")]
    [TestCase("""{ "notificationType": "Bounce", "bounce": { "bounceType": "Permanent" } }""", "Message.bounce.bouncedRecipients")]
    public async Task SignedMessageThatIsNotAnSesEvent_Is400NamingTheField(string message, string field)
    {
        var response = await PostAsync("Notification", _app.Sns.Message("Notification", message));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"\"{field}\""));
        Assert.That(_app.Events(), Is.Zero);
    }

    [Test]
    public async Task DeliveryEvent_RecordsNothing()
    {
        var response = await PostAsync("Notification", _app.Sns.Message("Notification", """{ "notificationType": "Delivery", "mail": {}, "delivery": {} }"""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_app.Events(), Is.Zero);
    }

    [Test]
    public void TopicArnThatIsNotAnArn_IsASettingsProblemNamingTheKey()
    {
        var options = new BounceOptions();
        options.Webhooks.Ses.TopicArn = "https://sns.eu-west-1.amazonaws.com/bounces";

        Assert.That(options.Problems(), Has.One.StartsWith("Bounces:Webhooks:Ses:TopicArn:"));
    }
}
