using System.Security.Cryptography;
using MimeKit;
using MimeKit.Cryptography;
using Newsletter.Delivery;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;
using Org.BouncyCastle.Crypto;

namespace Newsletter.Tests.Mail;

/// <summary>DKIM signatures on digests as a receiver sees them, checked with MimeKit's verifier and a test key.</summary>
public class DkimSigningTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task SentDigest_CarriesADkimSignature_ThatVerifiesWithThePublishedKey()
    {
        using var rsa = RSA.Create(2048);
        var keyPath = _workspace.PathFor("dkim.pem");
        await File.WriteAllTextAsync(keyPath, rsa.ExportRSAPrivateKeyPem());
        LedgerSeed.Readers(_workspace, 2);
        using var sink = new SmtpSink(_workspace.PathFor("sink"));
        await using (var app = new NewsletterFactory(_workspace, new Dictionary<string, string?>
                     {
                         ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = sink.Port.ToString(),
                         ["Dkim:Domain"] = "newsletter.localhost", ["Dkim:Selector"] = "digest2026", ["Dkim:PrivateKeyPath"] = keyPath,
                     }).Started())
        {
            Assert.That(await app.Get<DeliverySender>().SendDueAsync(DateTimeOffset.UtcNow, CancellationToken.None), Is.EqualTo(2));
        }

        var locator = new SingleKeyLocator("newsletter.localhost", "digest2026", Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
        var verifier = new DkimVerifier(locator);
        foreach (var file in sink.Messages())
        {
            var message = await MimeMessage.LoadAsync(file);
            var signature = message.Headers.Single(h => h.Id == HeaderId.DkimSignature);
            Assert.That(signature.Value, Does.Contain("c=relaxed/relaxed").And.Contain("d=newsletter.localhost").And.Contain("s=digest2026"));
            var signed = signature.Value.Split("h=")[1].Split(';')[0].Replace(" ", "").Replace("\t", "").Replace("\r", "").Replace("\n", "").ToLowerInvariant().Split(':');
            Assert.That(signed, Is.SupersetOf(new[] { "from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post" }));
            Assert.That(await verifier.VerifyAsync(message, signature), Is.True, "the signature verifies over what the server received");

            message.Headers.Replace(HeaderId.Subject, "tampered");
            Assert.That(await verifier.VerifyAsync(message, signature), Is.False, "and breaks when a signed header changes");
        }
    }

    [Test]
    public void Start_FailsWithOneLineNamingTheKey_WhenThePrivateKeyFileIsMissing()
    {
        var missing = _workspace.PathFor("no-such-key.pem");
        var result = NewsletterProcess.Run(new Dictionary<string, string>
        {
            ["Storage:Database"] = _workspace.DatabasePath,
            ["Dkim:Domain"] = "newsletter.localhost", ["Dkim:Selector"] = "s1", ["Dkim:PrivateKeyPath"] = missing,
        }, "deliveries");

        result.AssertRefusedToStart("Dkim:PrivateKeyPath", missing);
    }

    [Test]
    public void Start_FailsNamingTheMissingKey_WhenDkimIsHalfConfigured()
    {
        var result = NewsletterProcess.Run(new Dictionary<string, string>
        {
            ["Storage:Database"] = _workspace.DatabasePath, ["Dkim:Domain"] = "newsletter.localhost",
        }, "deliveries");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("Dkim:Selector").And.Contain("Dkim:PrivateKeyPath"));
    }

    private sealed class SingleKeyLocator(string domain, string selector, string publicKeyBase64) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string d, string s, CancellationToken cancellationToken = default)
        {
            if (d != domain || s != selector) throw new InvalidOperationException($"no key published for {s}._domainkey.{d}");
            return GetPublicKey($"v=DKIM1; k=rsa; p={publicKeyBase64}");
        }

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string d, string s, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, d, s, cancellationToken));
    }
}
