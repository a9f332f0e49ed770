using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;
using Newsletter.Digests;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Subscriptions;

namespace Newsletter.Tests.Admin;

/// <summary>
/// <c>/admin/deliveries</c> over the scenario of <see cref="AdminScenario"/>: one planning day's rows in one state, in
/// pages; a bad filter named back; the bulk resend of that day's unknown or failed rows by the <c>resend</c> verb's
/// rules, only with the page's antiforgery token. Every test seeds its own scenario.
/// </summary>
[NonParallelizable]
public class AdminDeliveriesTests : AdminScenarioFixture
{
    protected override bool FreshPerTest => true;

    private string State(string email, string period)
    {
        var reader = Scenario.Get<SubscriberStore>().FindByEmail(email)!;
        return Scenario.Get<DeliveryStore>().ForSubscriber(reader.Id).Single(r => r.PeriodKey == period).State;
    }

    [Test]
    public async Task Deliveries_ListTheDaysRowsInTheState_WithEachStatesCount()
    {
        var (status, html) = await GetPageAsync($"/admin/deliveries?day={Scenario.Day3}&state=failed");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain($"<h1>Deliveries planned on {Scenario.Day3}</h1>"));
        Assert.That(html, Does.Contain("<strong><span class=\"n\">1</span>failed</strong>"));
        Assert.That(html, Does.Contain("<span class=\"n\">1</span>sent</a>").And.Contain("<span class=\"n\">1</span>retry</a>").And.Contain("<span class=\"n\">1</span>unknown</a>"));
        Assert.That(html, Does.Contain("<a href=\"/admin/readers?email=dan%40example.org\">dan@example.org</a></th><td>daily:" + Scenario.Day3 + "</td>"));
        Assert.That(html, Does.Contain("<td class=\"error-text\">550 5.1.1 no such user</td>"));
        Assert.That(html, Does.Not.Contain("ada@example.org"), "only the failed row");
        Assert.That(html, Does.Contain("Send this day's failed digests again…"));
    }

    [Test]
    public async Task Deliveries_PageThroughADay_ANewPageAtATime()
    {
        // 150 more failed rows on day 3, one reader each.
        using (var connection = Scenario.Get<Database>().Open())
        using (var transaction = connection.BeginTransaction())
        {
            for (var i = 0; i < 150; i++)
            {
                var reader = connection.ExecuteScalar<long>(
                    "INSERT INTO subscribers (email, state, created_at) VALUES (@email, 'confirmed', @at) RETURNING id",
                    new { email = $"r{i:000}@example.org", at = Scenario.Now.AddHours(-6) }, transaction);
                connection.Execute(
                    "INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json) VALUES (@reader, 'p', 'failed', @at, @reader, '[]')",
                    new { reader, at = Scenario.Now.AddHours(-1) }, transaction);
            }
            transaction.Commit();
        }

        var (_, first) = await GetPageAsync($"/admin/deliveries?day={Scenario.Day3}&state=failed");
        var older = Regex.Match(first, "<a href=\"([^\"]+)\">Older rows</a>");
        var (_, second) = await GetPageAsync(WebUtility.HtmlDecode(older.Groups[1].Value));

        Assert.That(first, Does.Contain("<strong><span class=\"n\">151</span>failed</strong>"));
        Assert.That(Regex.Matches(first, "<tr><th scope=\"row\">").Count, Is.EqualTo(100));
        Assert.That(first, Does.Contain(">r149@example.org<").And.Not.Contain(">r049@example.org<"), "newest first");
        Assert.That(older.Success, Is.True);
        Assert.That(Regex.Matches(second, "<tr><th scope=\"row\">").Count, Is.EqualTo(51));
        Assert.That(second, Does.Contain(">r049@example.org<").And.Contain(">dan@example.org<").And.Not.Contain(">r050@example.org<"));
        Assert.That(second, Does.Not.Contain("Older rows"));
    }

    [TestCase("?day=2026-13-01", "day")]
    [TestCase("?day=yesterday", "day")]
    [TestCase("?state=lost", "state")]
    [TestCase("?before=12x", "before")]
    public async Task Deliveries_NameTheBadField(string query, string field)
    {
        var (status, html) = await GetPageAsync("/admin/deliveries" + query);

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(html, Does.Contain($"<p class=\"alert\" role=\"alert\"><strong>{field}</strong>:"));
    }

    [Test]
    public async Task BulkResend_RefusesAStateTheVerbDoesNotResend()
    {
        var (status, html) = await GetPageAsync($"/admin/deliveries/resend?day={Scenario.Day3}&state=retry");

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(html, Does.Contain("<strong>state</strong>: only unknown or failed digests are sent again."));
    }

    [Test]
    public async Task BulkResend_PutsTheDaysUnknownRowsBackToPending_AndLogsWho()
    {
        var path = $"/admin/deliveries/resend?day={Scenario.Day3}&state=unknown";
        var (_, confirm) = await GetPageAsync(path);

        var response = await SubscriptionSteps.PostFormAsync(Scenario.Client(), path, path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(confirm, Does.Contain($"The 1 unknown digests planned on {Scenario.Day3} go back to pending"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain($"1 unknown digests of {Scenario.Day3} are pending again."));
        Assert.That(State("ada@example.org", "extra:unknown"), Is.EqualTo(DeliveryStates.Pending));
        Assert.That(Scenario.Logs.At(LogLevel.Information), Has.Member($"Operator admin resent 1 unknown deliveries planned on {Scenario.Day3} (0 left: reader no longer subscribed)"));
    }

    [Test]
    public async Task BulkResend_LeavesRowsOfReadersNoLongerSubscribed()
    {
        var path = $"/admin/deliveries/resend?day={Scenario.Day3}&state=failed";

        var response = await SubscriptionSteps.PostFormAsync(Scenario.Client(), path, path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(html, Does.Contain("0 failed digests of " + Scenario.Day3 + " are pending again; 1 stay failed because the reader is no longer subscribed."));
        Assert.That(State("dan@example.org", "daily:" + Scenario.Day3), Is.EqualTo(DeliveryStates.Failed));
    }

    [Test]
    public async Task BulkResend_ChangesNothing_WithoutTheAntiforgeryToken()
    {
        var response = await Scenario.Client().PostAsync($"/admin/deliveries/resend?day={Scenario.Day3}&state=unknown", new FormUrlEncodedContent([]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("__af: the form has expired"));
        Assert.That(State("ada@example.org", "extra:unknown"), Is.EqualTo(DeliveryStates.Unknown));
    }

    [Test]
    public async Task BulkResend_OnlyTouchesTheDayAsked()
    {
        var path = $"/admin/deliveries/resend?day={Scenario.Day2}&state=unknown";

        var (status, confirm) = await GetPageAsync(path);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Conflict), "nothing unknown that day: the page says so and offers no button");
        Assert.That(confirm, Does.Contain("The 0 unknown digests").And.Not.Contain("<button"));
        Assert.That(State("ada@example.org", "extra:unknown"), Is.EqualTo(DeliveryStates.Unknown));
    }
}
