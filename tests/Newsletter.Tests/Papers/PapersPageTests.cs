using System.Net;
using System.Text.RegularExpressions;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Papers.PaperSteps;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Papers;

/// <summary>/papers over HTTP: days newest first with an older link, search under the keyword rules, the prefilled subscribe link.</summary>
public class PapersPageTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public async Task Papers_ListsDaysNewestFirst_MostUpvotedFirst_WithAnOlderLink()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        await IngestRecentPapersAsync(app);
        var client = Client(app);

        var response = await client.GetAsync("/papers");
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(DayHeadings(html), Is.EqualTo(new[] { "Thursday 26 November 2026", "Wednesday 25 November 2026", "Tuesday 24 November 2026" }),
            "three days per page, newest first");
        Assert.That(html.IndexOf("Selective State Spaces for Hour-Long Video", StringComparison.Ordinal),
            Is.LessThan(html.IndexOf("Sparse Experts Route by Difficulty", StringComparison.Ordinal)), "142 upvotes before 23");
        Assert.That(html, Does.Contain("<a href=\"https://arxiv.org/abs/2611.10001\">Selective State Spaces for Hour-Long Video</a>"));
        Assert.That(html, Does.Contain("142 upvotes").And.Contain("arXiv 2611.10001").And.Contain("Lena Park, Omar Haddad"));
        Assert.That(html, Does.Contain("Ines Moreau, Kwame Mensah, Yuki Sato and 2 more"), "long author lists are shortened");
        Assert.That(html, Does.Not.Contain("A Benchmark for Agents That Browse"), "the fourth day is on the next page");

        var older = Regex.Match(html, "id=\"older-link\" href=\"([^\"]+)\"").Groups[1].Value;
        Assert.That(older, Is.EqualTo("/papers?before=2026-11-24"));
        var next = await client.GetStringAsync(older);
        Assert.That(DayHeadings(next), Is.EqualTo(new[] { "Monday 23 November 2026" }));
        Assert.That(next, Does.Contain("A Benchmark for Agents That Browse").And.Contain("Reward Hacking in Code Agents"));
        Assert.That(next, Does.Not.Contain("id=\"older-link\""), "nothing older");
    }

    [Test]
    public async Task Papers_Search_ShowsOnlyMatches_AndLinksToTheSubscribeFormPrefilledWithIt()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        await IngestRecentPapersAsync(app);
        var client = Client(app);

        var response = await client.GetAsync("/papers?q=" + Uri.EscapeDataString("mamba OR \"state spaces\""));
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("Selective State Spaces for Hour-Long Video").And.Contain("Quantized Mamba on Phones"));
        Assert.That(html, Does.Not.Contain("Sparse Experts Route by Difficulty").And.Not.Contain("A Benchmark for Agents That Browse"));
        Assert.That(html, Does.Contain("2 papers in the last 30 days"));
        Assert.That(html, Does.Contain("value=\"mamba OR &quot;state spaces&quot;\""), "the search box keeps the query");

        var subscribe = WebUtility.HtmlDecode(Regex.Match(html, "id=\"subscribe-link\" href=\"([^\"]+)\"").Groups[1].Value);
        Assert.That(subscribe, Is.EqualTo("/?keywords=mamba%20OR%20%22state%20spaces%22"));
        var form = await client.GetStringAsync(subscribe);
        Assert.That(form, Does.Contain("mamba OR &quot;state spaces&quot;</textarea>"), "the subscribe form holds the search as a keyword");
    }

    [TestCase("(unbalanced", "q", TestName = "Papers_BadSearch_Is400WithTheFieldError")]
    [TestCase("mamba;drop", "q", TestName = "Papers_SearchWithASemicolon_Is400WithTheFieldError")]
    public async Task Papers_RefusedSearch_IsShownBackAsAFieldError(string query, string field)
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        await IngestRecentPapersAsync(app);

        var response = await Client(app).GetAsync("/papers?q=" + Uri.EscapeDataString(query));
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(html, Does.Contain($"id=\"{field}-error\"").And.Contain("aria-invalid=\"true\""));
        Assert.That(html, Does.Contain($"value=\"{WebUtility.HtmlEncode(query)}\""), "the query is shown back");
        Assert.That(html, Does.Not.Contain("Exception").And.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public async Task Papers_TooLongSearch_Is400_AndABadBeforeDateToo()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);

        var longQuery = await client.GetAsync("/papers?q=" + new string('a', 5000));
        var badDate = await client.GetAsync("/papers?before=yesterday");

        Assert.That(longQuery.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await longQuery.Content.ReadAsStringAsync(), Does.Contain("id=\"q-error\"").And.Contain("too long"));
        Assert.That(badDate.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await badDate.Content.ReadAsStringAsync(), Does.Contain("id=\"before-error\"").And.Not.Contain("No papers yet"));
    }

    [Test]
    public async Task Papers_SaysSo_WhenThereAreNoPapersYet()
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await Client(app).GetAsync("/papers");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("No papers yet").And.Not.Contain("id=\"older-link\""));
    }

    private static string[] DayHeadings(string html) =>
        Regex.Matches(html, "<h2 id=\"day-[0-9-]+\">([^<]+?) <span").Select(m => m.Groups[1].Value).ToArray();
}
