using System.Net;
using System.Text.RegularExpressions;

namespace Newsletter.Tests.Admin;

/// <summary>
/// <c>/admin</c> over the known scenario of <see cref="AdminScenario"/>: each number on the page is the one the
/// scenario's writes imply, read back from the page's HTML (cards, the tables under each chart, the other tables).
/// </summary>
[NonParallelizable]
public class AdminOverviewTests : AdminScenarioFixture
{
    [SetUp] public void ResetClock() => Scenario.Clock.AdjustTime(Scenario.Now);

    /// <summary>The part of the page from a chart's title to the end of its figure (its SVG, legend and numbers).</summary>
    private static string Chart(string html, string id)
    {
        var start = html.IndexOf($"id=\"{id}-title\"", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"no chart {id}");
        return html[start..html.IndexOf("</figure>", start, StringComparison.Ordinal)];
    }

    private static string Row(string day, params object[] values) =>
        $"<tr><th scope=\"row\">{day}</th>{string.Concat(values.Select(v => $"<td>{v}</td>"))}</tr>";

    private static async Task<string> OverviewAsync(AdminScenario scenario, string query = "")
    {
        var response = await scenario.Client().GetAsync("/admin" + query);
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True, "operator numbers are not cached");
        return Squeezed(html);
    }

    [Test]
    public async Task Overview_CountsReaders_ByStateAndDay()
    {
        var scenario = Scenario;

        var html = await OverviewAsync(scenario);

        foreach (var state in new[] { "pending", "confirmed", "unsubscribed", "suppressed" })
            Assert.That(html, Does.Contain($"<li><span class=\"n\">1</span>{state}</li>"), state);
        var readers = Chart(html, "readers-chart");
        Assert.That(readers, Does.Contain(Row(scenario.Day1, 3, 0, 0, 0)));
        Assert.That(readers, Does.Contain(Row(scenario.Day2, 1, 3, 0, 0)));
        Assert.That(readers, Does.Contain(Row(scenario.Day3, 1, 0, 1, 1)), "erin signed up and was deleted: the sign-up still happened");
        Assert.That(Regex.Matches(readers, "<tr><th scope=\"row\">").Count, Is.EqualTo(30), "one row per day shown");
    }

    [Test]
    public async Task Overview_CountsDigests_ByPlanningDayAndState_AndShowsTheLastRun()
    {
        var scenario = Scenario;

        var html = await OverviewAsync(scenario);

        var digests = Chart(html, "digests-chart");
        Assert.That(digests, Does.Contain(Row(scenario.Day2, 3, 0, 0, 0)), "sent, retry, failed, unknown");
        Assert.That(digests, Does.Contain(Row(scenario.Day3, 1, 1, 1, 1)));
        Assert.That(digests, Does.Contain(Row(scenario.Day1, 0, 0, 0, 0)));
        Assert.That(html, Does.Contain($"<td>{scenario.Day3} 08:00 UTC</td><td class=\"num\">2</td><td class=\"num\">2</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">2.5 s"));
    }

    [Test]
    public async Task Overview_WarnsOfADayOverTheBounceLine()
    {
        var scenario = Scenario;

        var html = await OverviewAsync(scenario);

        var rates = Chart(html, "rates-chart");
        Assert.That(rates, Does.Contain(Row(scenario.Day3, "50%", "0%")), "one bounce over one sent plus one bounced");
        Assert.That(rates, Does.Contain(Row(scenario.Day2, "0%", "0%")));
        Assert.That(rates, Does.Contain("0.3% complaint ceiling").And.Contain("0.1% complaint aim"));
        Assert.That(html, Does.Contain("<div class=\"warning\" role=\"status\"><strong>Over the line on 1 day:</strong>"));
        Assert.That(html, Does.Contain($"{scenario.Day3}: bounce rate 50% is above 2%."));
    }

    [Test]
    public async Task Overview_ShowsNoWarning_WhenNothingBounced()
    {
        var scenario = Scenario;

        // 90 days back from a month later: the bounce is still shown, so move on past it instead.
        scenario.Clock.AdjustTime(scenario.Now.AddDays(40));
        var html = await OverviewAsync(scenario);

        Assert.That(html, Does.Not.Contain("class=\"warning\""));
        Assert.That(html, Does.Contain("Every day is under the lines"));
        Assert.That(Chart(html, "readers-chart"), Does.Not.Contain(scenario.Day3), "the last 30 days only");
    }

    [Test]
    public async Task Overview_Shows90Days_WhenAsked()
    {
        var scenario = Scenario;
        scenario.Clock.AdjustTime(scenario.Now.AddDays(40));

        var html = await OverviewAsync(scenario, "?days=90");

        Assert.That(Regex.Matches(Chart(html, "readers-chart"), "<tr><th scope=\"row\">").Count, Is.EqualTo(90));
        Assert.That(Chart(html, "readers-chart"), Does.Contain(Row(scenario.Day2, 1, 3, 0, 0)));
        Assert.That(html, Does.Contain($"{scenario.Day3}: bounce rate 50% is above 2%."));
    }

    [Test]
    public async Task Overview_ShowsEachSource_AndPapersPerDayBySource()
    {
        var scenario = Scenario;

        var html = await OverviewAsync(scenario);

        Assert.That(html, Does.Contain("<p>3 papers in the database.</p>"));
        Assert.That(html, Does.Contain($"<tr><th scope=\"row\">huggingface</th> <td>{scenario.Day3} 06:00 UTC</td> <td class=\"status-ok\">ok</td> <td class=\"num\">2</td><td class=\"num\">5</td><td class=\"num\">1</td>"));
        Assert.That(html, Does.Contain("<tr><th scope=\"row\">arxiv <span class=\"muted\">(no longer configured)</span></th>"));
        Assert.That(html, Does.Contain("<td class=\"status-bad\">failed</td>").And.Contain("cannot fetch: HTTP 503 Service Unavailable"));
        var papers = Chart(html, "papers-chart");
        Assert.That(papers, Does.Contain("<th scope=\"col\">arxiv</th><th scope=\"col\">huggingface</th>"));
        Assert.That(papers, Does.Contain(Row(scenario.Day3, 0, 2)));
        Assert.That(papers, Does.Contain(Row(scenario.Day1, 1, 0)));
    }

    [Test]
    public async Task Overview_CountsConfirmedReadersPerTopic_AndLastWeeksMatches()
    {
        var scenario = Scenario;

        var html = await OverviewAsync(scenario);

        Assert.That(html, Does.Contain("<tr><th scope=\"row\">State space models</th><td class=\"num\">1</td><td class=\"num\">1</td></tr>"),
            "ada only: bob unsubscribed");
        Assert.That(html, Does.Contain("<tr><th scope=\"row\">Diffusion models</th><td class=\"num\">1</td><td class=\"num\">1</td></tr>"),
            "ada only: dan was suppressed");
        Assert.That(html, Does.Contain("<tr><th scope=\"row\">Mixture of experts</th><td class=\"num\">0</td><td class=\"num\">0</td></tr>"));

        scenario.Clock.AdjustTime(scenario.Now.AddDays(6));
        Assert.That(await OverviewAsync(scenario), Does.Contain("<tr><th scope=\"row\">Diffusion models</th><td class=\"num\">1</td><td class=\"num\">0</td></tr>"),
            "the diffusion paper is more than a week old by then");
    }

    [Test]
    public async Task Overview_NeedsTheOperatorCredential()
    {
        var scenario = Scenario;

        var anonymous = await scenario.Client(signedIn: false).GetAsync("/admin");
        var wrong = scenario.Client(signedIn: false);
        wrong.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("admin:wrong password"u8.ToArray()));

        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await anonymous.Content.ReadAsStringAsync(), Does.Not.Contain("confirmed"));
        Assert.That((await wrong.GetAsync("/admin")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await wrong.GetAsync("/admin/")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("7")]
    [TestCase("30; DROP TABLE subscribers")]
    [TestCase("")]
    public async Task Overview_NamesTheDaysField_WhenItIsNot30Or90(string days)
    {
        var scenario = Scenario;

        var response = await scenario.Client().GetAsync("/admin?days=" + Uri.EscapeDataString(days));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("<strong>days</strong>: days must be 30 or 90."));
    }

    [Test]
    public async Task Overview_WarnsUntilABackupIsTaken_ThenShowsTheLastOne()
    {
        var before = await OverviewAsync(Scenario);
        var file = Path.Combine(Path.GetTempPath(), "newsletter-tests", Guid.NewGuid().ToString("N"), "copy.db");
        var record = Scenario.Get<Newsletter.Storage.BackupStore>().Write(file);
        var after = await OverviewAsync(Scenario);
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);

        Assert.That(before, Does.Contain("No backup has been taken"));
        Assert.That(after, Does.Not.Contain("No backup has been taken"));
        Assert.That(after, Does.Contain($"Last backup: <strong>{record.TakenAt:yyyy-MM-dd HH:mm} UTC</strong>, {record.Bytes / 1024.0:0.0} KiB, <code class=\"error-text\">{file}</code>."));
        Assert.That(after, Does.Contain("Scheduled: 30 3 * * * (UTC) into data/backups, the newest 7 kept."));
    }
}
