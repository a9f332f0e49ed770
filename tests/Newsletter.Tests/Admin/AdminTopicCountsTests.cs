using System.Net;
using Dapper;
using Newsletter.Storage;

namespace Newsletter.Tests.Admin;

/// <summary>
/// The overview's "papers matched last week" per topic is kept between requests until a paper changes: a paper
/// added after the first request (by any process: a row in <c>papers</c>) is counted by the next one.
/// </summary>
[NonParallelizable]
public class AdminTopicCountsTests : AdminScenarioFixture
{
    protected override bool FreshPerTest => true;

    private async Task<string> MixtureOfExpertsRowAsync()
    {
        var (status, html) = await GetPageAsync("/admin");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), html);
        var start = html.IndexOf("<tr><th scope=\"row\">Mixture of experts</th>", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "the topics table names the topic");
        return html[start..(html.IndexOf("</tr>", start, StringComparison.Ordinal) + 5)];
    }

    [Test]
    public async Task APaperAddedAfterARequest_IsCountedByTheNext()
    {
        Assert.That(await MixtureOfExpertsRowAsync(), Is.EqualTo("<tr><th scope=\"row\">Mixture of experts</th><td class=\"num\">0</td><td class=\"num\">0</td></tr>"));

        using (var connection = Scenario.Get<Database>().Open())
        {
            connection.Execute(
                """
                INSERT INTO papers (paper_key, title, normalized_title, abstract, first_seen_at, updated_at)
                VALUES ('p9', 'Sparse mixture of experts with learned routing', 'p9', 'An abstract.', @at, @at)
                """,
                new { at = Scenario.Now.AddHours(-1) });
        }

        Assert.That(await MixtureOfExpertsRowAsync(), Is.EqualTo("<tr><th scope=\"row\">Mixture of experts</th><td class=\"num\">0</td><td class=\"num\">1</td></tr>"));
    }
}
