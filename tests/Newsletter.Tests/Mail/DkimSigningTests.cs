using System.Diagnostics;
using System.Security.Cryptography;
using MimeKit;
using MimeKit.Cryptography;
using Newsletter.Delivery;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;
using Org.BouncyCastle.Crypto;

namespace Newsletter.Tests.Mail;

/// <summary>DKIM signatures on digests as a receiver sees them, checked with MimeKit's verifier and with two verifiers
/// independent of MimeKit (python3-dkim, and libopendkim's opendkim-testmsg), each given the test key in place of DNS.</summary>
public class DkimSigningTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task SentDigest_CarriesADkimSignature_ThatVerifiesWithThePublishedKey()
    {
        using var rsa = RSA.Create(2048);
        using var sink = await SendSignedDigests(rsa, readers: 2);

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

    [TestCase("dkim-verify.py")]
    [TestCase("opendkim-verify.sh")]
    public async Task SentDigest_VerifiesWithAnIndependentVerifier_AndFailsOnceItsBodyChanges(string verifier)
    {
        using var rsa = RSA.Create(2048);
        using var sink = await SendSignedDigests(rsa, readers: 3);
        var record = _workspace.PathFor("digest2026._domainkey.txt");
        await File.WriteAllTextAsync(record, "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
        var files = sink.Messages();
        Assert.That(files, Has.Count.EqualTo(3));

        var (exit, output) = await Independent(verifier, record, files);
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3).And.All.StartWith("pass "), output);

        // One character of the body changed after signing: the independent verifier must refuse it.
        var tampered = _workspace.PathFor("tampered.eml");
        var text = await File.ReadAllTextAsync(files[0]);
        var body = System.Text.RegularExpressions.Regex.Match(text, "\r?\n\r?\n").Index;
        var at = body + (text.Length - body) / 2;
        while (!char.IsAsciiLetterLower(text[at])) at++;
        await File.WriteAllTextAsync(tampered, text[..at] + char.ToUpperInvariant(text[at]) + text[(at + 1)..]);
        (exit, output) = await Independent(verifier, record, [tampered]);
        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output.Trim(), Does.StartWith("fail " + tampered));
    }

    [TestCase("", "")]
    [TestCase("\r\n\r\n", "")]
    [TestCase("a", "a\r\n")]
    [TestCase("a  \t b \t\r\n", "a b\r\n")]
    [TestCase("  lead\r\n \t \r\nnext\r\n\r\n\r\n", " lead\r\n\r\nnext\r\n")]
    [TestCase("x\r\n\r\ny \r\n", "x\r\n\r\ny\r\n")]
    [TestCase("whole line\r\nanother one\r\n\r\n", "whole line\r\nanother one\r\n")]
    [TestCase(" \r\nclean after blank\r\nclean  twice\r\n\tx\r\n", "\r\nclean after blank\r\nclean twice\r\n x\r\n")]
    [TestCase("a\r\n b\r\n", "a\r\n b\r\n")]
    public void RelaxedBodyHash_HashesTheCanonicalFormOfRfc6376(string body, string canonical)
    {
        using var hash = new Newsletter.Mail.RelaxedBodyHash();
        // Written in two pieces split mid-way, as a stream may be: the state carries across writes.
        var bytes = System.Text.Encoding.ASCII.GetBytes(body);
        hash.Write(bytes, 0, bytes.Length / 2);
        hash.Write(bytes, bytes.Length / 2, bytes.Length - bytes.Length / 2);
        Assert.That(hash.Finish(), Is.EqualTo(Convert.ToBase64String(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(canonical)))));
    }

    private async Task<SmtpSink> SendSignedDigests(RSA rsa, int readers)
    {
        var keyPath = _workspace.PathFor("dkim.pem");
        await File.WriteAllTextAsync(keyPath, rsa.ExportRSAPrivateKeyPem());
        LedgerSeed.Readers(_workspace, readers);
        var sink = new SmtpSink(_workspace.PathFor("sink"));
        try
        {
            await using var app = new NewsletterFactory(_workspace, new Dictionary<string, string?>
            {
                ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = sink.Port.ToString(),
                ["Dkim:Domain"] = "newsletter.localhost", ["Dkim:Selector"] = "digest2026", ["Dkim:PrivateKeyPath"] = keyPath,
            }).Started();
            Assert.That(await app.Get<DeliverySender>().SendDueAsync(DateTimeOffset.UtcNow, CancellationToken.None), Is.EqualTo(readers));
            return sink;
        }
        catch
        {
            sink.Dispose();
            throw;
        }
    }

    /// <summary>Runs a verifier script of Fixtures/Mail: python3-dkim's, or opendkim-testmsg's (a shell script).</summary>
    private static async Task<(int Exit, string Output)> Independent(string script, string record, IEnumerable<string> files)
    {
        var start = new ProcessStartInfo(script.EndsWith(".py") ? "/usr/bin/python3" : "/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepositoryPaths.Fixture(Path.Combine("Mail", script)));
        start.ArgumentList.Add(record);
        foreach (var file in files) start.ArgumentList.Add(file);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (error.Contains("No module named 'dkim'") || error.Contains("opendkim-testmsg: not found"))
            Assert.Fail($"the verifier of {script} is not installed: run tests/run.sh, which installs it");
        return (process.ExitCode, await output + error);
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
