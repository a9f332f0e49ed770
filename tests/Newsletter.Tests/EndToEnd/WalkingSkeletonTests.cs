using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using MimeKit;
using Newsletter.Delivery;
using Newsletter.Listings;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.EndToEnd;

/// <summary>The thin path through every part: listing in, subscriber confirmed, digest out in the pickup folder.</summary>
public partial class WalkingSkeletonTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task ConfirmedReaderWithAKeyword_GetsADigestOfTheMatchingPapers()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = app.CreateClient();

        var ingested = await app.Get<ListingIngester>().IngestAsync(RepositoryPaths.Fixture("papers-page-small.txt"), "fixture", CancellationToken.None);
        Assert.That(ingested.ToString(), Is.EqualTo("ingested fixture: 3 new, 0 duplicate, 0 rejected"));

        var subscribe = await client.PostAsJsonAsync("/api/subscriptions", new { email = "Reader@Example.org", keywords = new[] { "mamba" } });
        Assert.That(subscribe.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await Newsletter.Tests.Subscriptions.SubscriptionSteps.SendConfirmationsAsync(app);

        var confirmation = await MimeMessage.LoadAsync(_workspace.OutboxFiles().Single());
        Assert.That(confirmation.To.Mailboxes.Single().Address, Is.EqualTo("reader@example.org"));
        var confirmPath = new Uri(ConfirmLink().Match(confirmation.TextBody ?? "").Value).PathAndQuery;
        var confirmed = await Newsletter.Tests.Subscriptions.SubscriptionSteps.ConfirmAsync(app.CreateClient(), confirmPath);
        Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The first digest is due at 08:00 UTC after confirming; run the job a day later to be sure it is due.
        var (planned, sent) = await app.Get<DigestJob>().RunAtAsync(DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None);

        Assert.That((planned, sent), Is.EqualTo((1, 1)));
        var digestFile = _workspace.OutboxFiles().Single(f => Path.GetFileName(f).StartsWith("digest.", StringComparison.Ordinal));
        var digest = await MimeMessage.LoadAsync(digestFile);
        Assert.That(digest.TextBody, Does.Contain("Mamba Goes Multimodal").And.Contain("Efficient Mamba Kernels"));
        Assert.That(digest.TextBody, Does.Not.Contain("Reward Hacking"));
        Assert.That(digest.Subject, Does.StartWith("2 new papers"));
        Assert.That(digest.Headers["List-Unsubscribe-Post"], Is.EqualTo("List-Unsubscribe=One-Click"));

        var again = await app.Get<DigestJob>().RunAtAsync(DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None);
        Assert.That(again, Is.EqualTo((0, 0)), "a second run for the same time plans and sends nothing");
    }

    [Test]
    public void IngestVerb_PrintsOneSummaryLinePerSource()
    {
        var result = NewsletterProcess.Run(
            new Dictionary<string, string> { ["Storage:Database"] = _workspace.DatabasePath, ["Smtp:PickupDirectory"] = _workspace.Outbox },
            "ingest", RepositoryPaths.Fixture("papers-page-small.txt"), RepositoryPaths.Fixture("papers-page-small.txt"));

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2));
        Assert.That(lines[0], Does.EndWith("papers-page-small.txt: 3 new, 0 duplicate, 0 rejected"));
        Assert.That(lines[1], Does.EndWith("papers-page-small.txt: 0 new, 3 duplicate, 0 rejected"));
    }

    [GeneratedRegex(@"http://localhost/confirm/[A-Za-z0-9_\-]+")]
    private static partial Regex ConfirmLink();
}
