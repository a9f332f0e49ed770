using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Newsletter.Tests.Bounces;

/// <summary>
/// Amazon SNS as the app sees it through its HTTP handler: serves the signing certificate of a key made here at
/// <see cref="CertificateUrl"/>, answers subscription confirmations, records every request; and signs messages
/// the way SNS does.
/// </summary>
internal sealed class SnsStub : HttpMessageHandler
{
    public const string CertificateUrl = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem";
    public const string SubscribeUrl = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:123456789012:bounces&Token=2336412f37";
    public const string Topic = "arn:aws:sns:eu-west-1:123456789012:bounces";

    private readonly RSA _key = RSA.Create(2048);
    private readonly string _pem;

    public SnsStub()
    {
        var request = new CertificateRequest("CN=sns.amazonaws.com", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        _pem = certificate.ExportCertificatePem();
    }

    /// <summary>Every URL the app asked for, in order.</summary>
    public List<string> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri!.AbsoluteUri;
        lock (Requests) Requests.Add(url);
        var response = url == CertificateUrl ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(_pem) }
            : url.StartsWith("https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription", StringComparison.Ordinal)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<ConfirmSubscriptionResponse/>") }
            : new HttpResponseMessage(HttpStatusCode.NotFound);
        return Task.FromResult(response);
    }

    /// <summary>An SNS message of <paramref name="type"/>, signed with <paramref name="signer"/> (this stub's key by default).</summary>
    public string Message(string type, string message, string version = "2", string certificateUrl = CertificateUrl, string topic = Topic,
        RSA? signer = null, string id = "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324")
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Message"] = message, ["MessageId"] = id, ["Timestamp"] = "2026-12-01T08:00:00.000Z", ["TopicArn"] = topic, ["Type"] = type,
        };
        if (type == "Notification") fields["Subject"] = "Amazon SES Email Event Notification";
        else
        {
            fields["SubscribeURL"] = SubscribeUrl;
            fields["Token"] = "2336412f37";
        }
        var signed = new StringBuilder();
        foreach (var (name, value) in fields) signed.Append(name).Append('\n').Append(value).Append('\n');
        var hash = version == "1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256;
        var signature = (signer ?? _key).SignData(Encoding.UTF8.GetBytes(signed.ToString()), hash, RSASignaturePadding.Pkcs1);
        var body = new JsonObject();
        foreach (var (name, value) in fields) body[name] = value;
        body["SignatureVersion"] = version;
        body["Signature"] = Convert.ToBase64String(signature);
        body["SigningCertURL"] = certificateUrl;
        return body.ToJsonString();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _key.Dispose();
        base.Dispose(disposing);
    }
}
