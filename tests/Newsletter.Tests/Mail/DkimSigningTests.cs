using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using MimeKit.Cryptography;
using Newsletter.Delivery;
using Newsletter.Mail;
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

    // The body hash is one SHA-256 over the bytes as written (WireBody.CanonicalBodyHash): these hold that the bytes are
    // the relaxed canonical form, for content that would not be if written naively, and that long and non-ASCII
    // headers are canonicalised as receivers do.
    [TestCase("Papers", "plain text", "<p>html</p>")]
    [TestCase("Papers", "text ending in empty lines\n\n\n\n", "<p>html ending in empty lines</p>\n\n\n")]
    [TestCase("Papers", "\n\n", "\n")]
    [TestCase("Papers", "runs  of   spaces,\ttabs\t\tand both \t here\n  indented  \n\tline", "<style>\n  .a {  color: red; }\n\t.b { }\n</style>")]
    [TestCase("Résumé — naïve “quotes” in a subject: ünïcode", "Grüße, 日本語 and ✓", "<p>Grüße</p>")]
    [TestCase("A subject long enough that MimeKit folds it over several header lines, each of them under seventy-eight characters, with words to spare", "x", "y")]
    public async Task SignedMessage_VerifiesWithEveryVerifier_WhateverItsTextAndSubject(string subject, string text, string html)
    {
        using var rsa = RSA.Create(2048);
        var keyPath = _workspace.PathFor("dkim.pem");
        await File.WriteAllTextAsync(keyPath, rsa.ExportRSAPrivateKeyPem());
        var environment = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = _workspace.Folder };
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var mailer = new Mailer(Options.Create(new SmtpOptions()),
            Options.Create(new MailOptions { From = "Papers <papers@newsletter.localhost>" }), environment, clock);
        using var signer = new MessageSigner(Options.Create(new DkimOptions
        {
            Domain = "newsletter.localhost", Selector = "digest2026", PrivateKeyPath = keyPath,
        }), environment, clock);
        var message = mailer.Compose(MailboxAddress.Parse("reader@example.org"), subject, html, text, "<1@newsletter.localhost>");
        message.Headers.Add("List-Unsubscribe", "<https://newsletter.localhost/unsubscribe/" + new string('t', 90) + ">");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        signer.Sign(message);
        var file = _workspace.PathFor("signed.eml");
        await using (var output = File.Create(file))
            await message.WriteToAsync(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, output);

        var received = await MimeMessage.LoadAsync(file);
        var locator = new SingleKeyLocator("newsletter.localhost", "digest2026", Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
        Assert.That(await new DkimVerifier(locator).VerifyAsync(received, received.Headers.Single(h => h.Id == HeaderId.DkimSignature)), Is.True, "MimeKit");
        Assert.That((received.Subject, received.TextBody?.ReplaceLineEndings("\n"), received.HtmlBody?.ReplaceLineEndings("\n")), Is.EqualTo((subject, text, html)),
            "and the reader gets the text as written");
        var record = _workspace.PathFor("digest2026._domainkey.txt");
        await File.WriteAllTextAsync(record, "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
        foreach (var verifier in new[] { "dkim-verify.py", "opendkim-verify.sh" })
        {
            var (exit, output) = await Independent(verifier, record, [file]);
            Assert.That((exit, output.Trim()), Is.EqualTo((0, "pass " + file)), verifier);
        }
    }

    // A line that starts with '.', one that is only '.', and one of two dots must reach the server as written, and the
    // signature still verify: dot-stuffed by MailKit under DATA (smtp-sink), sent as they are in one BDAT chunk when the
    // relay offers CHUNKING.
    [TestCase("DATA", TestName = "SignedMessage_SentOverSmtp_ArrivesAsWritten_WhenItsLinesStartWithADot")]
    [TestCase("BDAT", TestName = "SignedMessage_SentAsOneBdatChunk_ArrivesAsWritten_WhenTheRelayOffersChunking")]
    public async Task SignedMessage_SentOverSmtp_ArrivesAsWritten(string command)
    {
        using var rsa = RSA.Create(2048);
        var keyPath = _workspace.PathFor("dkim.pem");
        await File.WriteAllTextAsync(keyPath, rsa.ExportRSAPrivateKeyPem());
        var environment = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = _workspace.Folder };
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var sink = command == "DATA" ? new SmtpSink(_workspace.PathFor("sink")) : null;
        using var relay = command == "BDAT" ? new ChunkingRelay() : null;
        var mailer = new Mailer(Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = sink?.Port ?? relay!.Port }),
            Options.Create(new MailOptions { From = "Papers <papers@newsletter.localhost>" }), environment, clock);
        using var signer = new MessageSigner(Options.Create(new DkimOptions
        {
            Domain = "newsletter.localhost", Selector = "digest2026", PrivateKeyPath = keyPath,
        }), environment, clock);
        const string text = ".hidden at the start\n.\n..two dots\nend";
        const string html = "<p>x</p>\n.dot\n.";
        await using (var session = mailer.OpenSession())
        {
            for (var i = 0; i < 2; i++)
            {
                var message = mailer.Compose(MailboxAddress.Parse("reader@example.org"), "Dots", html, text, $"<{i}@newsletter.localhost>");
                signer.Sign(message);
                await session.SendAsync(message, MailboxAddress.Parse("bounces+1@newsletter.localhost"), CancellationToken.None);
            }
        }

        var files = sink?.Messages() ?? relay!.Received.Select((received, i) =>
        {
            Assert.That(received.Command, Is.EqualTo("BDAT"), "MailKit used CHUNKING, which the relay offered");
            var file = _workspace.PathFor($"bdat{i}.eml");
            File.WriteAllBytes(file, received.Message);
            return file;
        }).ToList();
        Assert.That(files, Has.Count.EqualTo(2), "both messages, over one connection");
        var record = _workspace.PathFor("digest2026._domainkey.txt");
        await File.WriteAllTextAsync(record, "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
        var locator = new SingleKeyLocator("newsletter.localhost", "digest2026", Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
        foreach (var file in files)
        {
            var received = await MimeMessage.LoadAsync(file);
            Assert.That((received.TextBody?.ReplaceLineEndings("\n"), received.HtmlBody?.ReplaceLineEndings("\n")), Is.EqualTo((text, html)));
            Assert.That(await new DkimVerifier(locator).VerifyAsync(received, received.Headers.Single(h => h.Id == HeaderId.DkimSignature)), Is.True, "MimeKit");
        }
        foreach (var verifier in new[] { "dkim-verify.py", "opendkim-verify.sh" })
        {
            var (exit, output) = await Independent(verifier, record, files);
            Assert.That(exit, Is.EqualTo(0), verifier + ": " + output);
        }
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
