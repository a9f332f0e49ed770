using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Newsletter.Delivery;

namespace Newsletter.Tests.Admin;

/// <summary>
/// <c>/metrics</c> over the scenario of <see cref="AdminScenario"/>: the text is parsed as Prometheus exposition
/// and each of the list's series equals what the scenario wrote; it needs the operator credential like /admin.
/// </summary>
[NonParallelizable]
public partial class MetricsTests : AdminScenarioFixture
{
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})? (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex Sample();

    /// <summary>Every sample of the exposition, keyed by its name and sorted labels (<c>name{a="x",b="y"}</c>).</summary>
    private static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>();
        foreach (Match m in Sample().Matches(text))
        {
            var labels = m.Groups["labels"].Success
                ? "{" + string.Join(",", m.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)) + "}"
                : "";
            samples[m.Groups["name"].Value + labels] = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return samples;
    }

    private async Task<(string Text, Dictionary<string, double> Samples)> ScrapeAsync()
    {
        var response = await Scenario.Client().GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        return (text, Parse(text));
    }

    [Test]
    public async Task Metrics_CountTheScenarioFromTheDatabase()
    {
        var (_, samples) = await ScrapeAsync();

        foreach (var state in new[] { "pending", "confirmed", "unsubscribed", "suppressed" })
            Assert.That(samples[$"newsletter_subscribers{{state=\"{state}\"}}"], Is.EqualTo(1), state);
        Assert.That(samples["newsletter_papers"], Is.EqualTo(3));
        Assert.That(samples["newsletter_digests_total{state=\"sent\"}"], Is.EqualTo(4));
        Assert.That(samples["newsletter_digests_total{state=\"failed\"}"], Is.EqualTo(1));
        Assert.That(samples["newsletter_digests_total{state=\"unknown\"}"], Is.EqualTo(1));
        Assert.That(samples["newsletter_digests{state=\"retry\"}"], Is.EqualTo(1));
        Assert.That(samples["newsletter_bounces_total{type=\"bounce\"}"], Is.EqualTo(1));
        Assert.That(samples["newsletter_bounces_total{type=\"complaint\"}"], Is.EqualTo(0));
        Assert.That(samples["newsletter_ingested_papers_total{result=\"new\",source=\"huggingface\"}"], Is.EqualTo(2));
        Assert.That(samples["newsletter_ingested_papers_total{result=\"duplicate\",source=\"huggingface\"}"], Is.EqualTo(5));
        Assert.That(samples["newsletter_ingested_papers_total{result=\"rejected\",source=\"huggingface\"}"], Is.EqualTo(1));
    }

    [Test]
    public async Task Metrics_FollowWorkDoneOutsideTheServer()
    {
        var before = (await ScrapeAsync()).Samples;

        // Another process (a CLI send-due, a second node) writes to the same database; the next scrape sees it.
        using (var connection = Scenario.Get<Newsletter.Storage.Database>().Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE deliveries SET state = 'sent' WHERE state = 'retry'";
            command.ExecuteNonQuery();
        }
        var after = (await ScrapeAsync()).Samples;

        Assert.That(after["newsletter_digests_total{state=\"sent\"}"], Is.EqualTo(before["newsletter_digests_total{state=\"sent\"}"] + 1));
        Assert.That(after["newsletter_digests{state=\"retry\"}"], Is.EqualTo(0));
    }

    [Test]
    public async Task Metrics_HaveDurationHistograms_AndRuntimeAndAspNetCoreMetrics()
    {
        await Scenario.Get<DigestJob>().RunAtAsync(Scenario.Now, CancellationToken.None);

        var (text, samples) = await ScrapeAsync();

        Assert.That(samples["newsletter_digests_planning_seconds_count"], Is.GreaterThanOrEqualTo(1), text);
        Assert.That(samples["newsletter_digests_sending_seconds_count"], Is.GreaterThanOrEqualTo(1));
        Assert.That(text, Does.Contain("# TYPE newsletter_digests_planning_seconds histogram"));
        Assert.That(samples.Keys, Has.Some.StartsWith("process_cpu_seconds_total"), "the process");
        Assert.That(samples.Keys, Has.Some.StartsWith("system_runtime_dotnet_gc_collections"), "the runtime's meter");
        Assert.That(samples.Keys, Has.Some.StartsWith("microsoft_aspnetcore_hosting_http_server_request_duration_count"), "ASP.NET Core's meter");
        Assert.That(samples.Keys, Has.None.StartsWith("private_internaldiagnostics"), "only the meters an operator reads");
    }

    [Test]
    public async Task Metrics_NeedTheOperatorCredential()
    {
        var response = await Scenario.Client(signedIn: false).GetAsync("/metrics");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("newsletter_subscribers"));
    }
}
