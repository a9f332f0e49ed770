using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using MimeKit;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Hosting;

/// <summary>
/// Three processes of the real executable on one PostgreSQL database, as several machines run it: a reader's links
/// and forms work on any node (Data Protection keys and the link key are in the database), and what a reader does
/// on one node every other node sees at once.
/// </summary>
[NonParallelizable]
public partial class SeveralNodesTests
{
    private TestWorkspace _workspace = null!;
    private NodeCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _workspace = new TestWorkspace();
        _cluster = await NodeCluster.StartAsync(_workspace);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _cluster.DisposeAsync();
        _workspace.Dispose();
    }

    private string A => _cluster.Nodes[0].BaseUrl;
    private string B => _cluster.Nodes[1].BaseUrl;
    private string C => _cluster.Nodes[2].BaseUrl;

    // One client for every node: cookies belong to the host, not the port, so a cookie set by one node goes to all
    // of them, as it would behind one name and a load balancer.
    private static HttpClient Browser() => new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex(@"https?://[^/\s]+(/confirm/[A-Za-z0-9_\-]+)")]
    private static partial Regex ConfirmLink();

    [GeneratedRegex("id=\"manage-link\" href=\"([^\"]+)\"")]
    private static partial Regex ManageLink();

    [GeneratedRegex("href=\"(?:https?://[^/\"]+)?(/unsubscribe/[^\"]+)\"")]
    private static partial Regex UnsubscribeLink();

    /// <summary>Subscribes through node A; returns the confirmation link's path and the base URL it was made with.</summary>
    private async Task<(string Path, string MadeOn)> SubscribeOnAAsync(HttpClient browser, string email)
    {
        var response = await browser.PostAsJsonAsync(A + "/api/subscriptions", new { email, topics = new[] { "reasoning" } });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        // Node A's job server sends the confirmation outbox (woken by the request): wait for the file, up to 60 s.
        for (var waited = 0; waited < 60_000; waited += 100)
        {
            foreach (var file in _workspace.OutboxFiles())
            {
                var message = MimeMessage.Load(file);
                if (!message.To.Mailboxes.Any(m => m.Address == email)) continue;
                var link = ConfirmLink().Match(message.TextBody ?? "");
                Assert.That(link.Success, Is.True, "the email holds a confirmation link");
                return (link.Groups[1].Value, new Uri(link.Value).GetLeftPart(UriPartial.Authority));
            }
            await Task.Delay(100);
        }
        Assert.Fail("no confirmation email within 60 s: " + _cluster.Nodes[0].Log);
        return default;
    }

    /// <summary>GETs a form's page from one node, then POSTs it with that page's antiforgery token to another.</summary>
    private static async Task<HttpResponseMessage> PostFormAcrossAsync(HttpClient browser, string pageFrom, string postTo, string path)
    {
        var page = await browser.GetStringAsync(pageFrom + path);
        var token = AntiforgeryField().Match(page);
        Assert.That(token.Success, Is.True, $"no antiforgery field on {path}");
        return await browser.PostAsync(postTo + path, new FormUrlEncodedContent([new("__af", token.Groups[1].Value)]));
    }

    /// <summary>Subscribes on A, opens the link on A and confirms on B; returns the manage page's path.</summary>
    private async Task<string> ConfirmedReaderAsync(HttpClient browser, string email)
    {
        var (confirm, _) = await SubscribeOnAAsync(browser, email);
        var confirmed = await PostFormAcrossAsync(browser, A, B, confirm);
        var html = await confirmed.Content.ReadAsStringAsync();
        Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        var manage = ManageLink().Match(html);
        Assert.That(manage.Success, Is.True, "the confirmed page links to the manage page");
        return new Uri(WebUtility.HtmlDecode(manage.Groups[1].Value)).AbsolutePath;
    }

    [Test]
    public async Task AReaderSubscribesThroughA_AndConfirmsThroughB_WithTheLinkAndTheFormMadeOnA()
    {
        using var browser = Browser();

        var (confirm, madeOn) = await SubscribeOnAAsync(browser, "ada@example.org");
        Assert.That(madeOn, Is.EqualTo(A), "node A made the link");
        Assert.That(new SubscriberStore(_cluster.Database).FindByEmail("ada@example.org")?.State, Is.EqualTo("pending"));

        // The page (and the antiforgery token its form carries, sealed by A's Data Protection) comes from A; B opens both.
        var confirmed = await PostFormAcrossAsync(browser, A, B, confirm);

        Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await confirmed.Content.ReadAsStringAsync());
        Assert.That(await confirmed.Content.ReadAsStringAsync(), Does.Contain("You are subscribed"));
        Assert.That(new SubscriberStore(_cluster.Database).FindByEmail("ada@example.org")?.State, Is.EqualTo("confirmed"));
        var again = await browser.GetAsync(C + confirm);
        Assert.That(await again.Content.ReadAsStringAsync(), Does.Not.Contain("name=\"__af\""), "node C knows the link was used");
    }

    [Test]
    public async Task AnUnsubscribeOnC_IsSeenByAAndB()
    {
        using var browser = Browser();
        var manage = await ConfirmedReaderAsync(browser, "bob@example.org");
        var onA = await browser.GetStringAsync(A + manage);
        Assert.That(onA, Does.Not.Contain("You are unsubscribed"));
        var unsubscribe = WebUtility.HtmlDecode(UnsubscribeLink().Match(onA).Groups[1].Value);
        Assert.That(unsubscribe, Does.StartWith("/unsubscribe/"), "the manage page links to the unsubscribe page");

        var response = await browser.PostAsync(C + unsubscribe, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));

        Assert.That((int)response.StatusCode, Is.LessThan(400), await response.Content.ReadAsStringAsync());
        Assert.That(new SubscriberStore(_cluster.Database).FindByEmail("bob@example.org")?.State, Is.EqualTo("unsubscribed"));
        foreach (var node in new[] { A, B })
            Assert.That(await browser.GetStringAsync(node + manage), Does.Contain("You are unsubscribed"), node);
    }

    [Test]
    public async Task AnUnsubscribeOnC_StopsTheNextDigest_PlannedAndSentByAnotherNode()
    {
        using var browser = Browser();
        await ConfirmedReaderAsync(browser, "cy@example.org");
        var manage = await ConfirmedReaderAsync(browser, "dee@example.org");
        var unsubscribe = WebUtility.HtmlDecode(UnsubscribeLink().Match(await browser.GetStringAsync(A + manage)).Groups[1].Value);
        var response = await browser.PostAsync(C + unsubscribe, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.That((int)response.StatusCode, Is.LessThan(400), await response.Content.ReadAsStringAsync());

        // A fourth process of the same executable plans and sends what is due a week on (every daily reader is due).
        var at = DateTimeOffset.UtcNow.AddDays(8).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var run = NewsletterProcess.Run(new Dictionary<string, string>(_cluster.Settings) { ["Digest:SendEmpty"] = "true" }, "send-due", "--at", at);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Output + run.Error);

        var readers = new SubscriberStore(_cluster.Database);
        var ledger = new Newsletter.Digests.DeliveryStore(_cluster.Database);
        var cy = readers.FindByEmail("cy@example.org")!.Id;
        var dee = readers.FindByEmail("dee@example.org")!.Id;
        Assert.That(ledger.ForSubscriber(cy).Select(r => r.State), Is.EqualTo(new[] { "sent" }), "the confirmed reader gets their digest");
        Assert.That(ledger.ForSubscriber(dee), Is.Empty, "the reader who unsubscribed on C is not planned");
        var digests = _workspace.OutboxFiles().Select(f => MimeMessage.Load(f)).Where(m => m.MessageId?.StartsWith("digest.", StringComparison.Ordinal) == true).ToList();
        Assert.That(digests.Count(m => m.To.Mailboxes.Any(x => x.Address == "cy@example.org")), Is.EqualTo(1));
        Assert.That(digests.Where(m => m.To.Mailboxes.Any(x => x.Address == "dee@example.org")), Is.Empty);
    }

    [Test]
    public async Task ThePapersNodeAIngested_AreListedAndFedByTheOthers()
    {
        using var browser = Browser();
        // Node A's job server reads the listing fixture once at start; B and C read the papers from the database.
        var page = "";
        for (var waited = 0; waited < 60_000 && !page.Contains("Selective State Spaces for Hour-Long Video", StringComparison.Ordinal); waited += 200)
        {
            page = await browser.GetStringAsync(B + "/papers");
            await Task.Delay(200);
        }

        Assert.That(page, Does.Contain("Selective State Spaces for Hour-Long Video").And.Contain("Thursday 26 November 2026"), _cluster.Nodes[0].Log);
        var older = await browser.GetStringAsync(C + "/papers?before=2026-11-24");
        Assert.That(older, Does.Contain("Monday 23 November 2026").And.Contain("A Benchmark for Agents That Browse"));
        var feed = AtomFeedCheck.Parse(await browser.GetStringAsync(C + "/papers.atom"));
        Assert.That(AtomFeedCheck.EntryTitles(feed), Has.Count.EqualTo(7).And.Contains("Quantized Mamba on Phones"));
    }
}
