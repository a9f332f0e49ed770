using System.Net;
using Dapper;
using Microsoft.Extensions.Logging;
using Newsletter.Digests;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Subscriptions;

namespace Newsletter.Tests.Admin;

/// <summary>
/// The operator's actions on one reader (<c>/admin/readers/{id}/…</c>): each GET only says what will happen, each
/// POST needs the page's antiforgery token, does it through the owning store and logs who did what. Every test
/// seeds its own <see cref="AdminScenario"/>, since each changes it.
/// </summary>
[NonParallelizable]
public class AdminActionTests : AdminScenarioFixture
{
    protected override bool FreshPerTest => true;

    private Subscriber Reader(string email) => Scenario.Get<SubscriberStore>().FindByEmail(email)!;

    private DeliveryRow Row(string email, string period) =>
        Scenario.Get<DeliveryStore>().ForSubscriber(Reader(email).Id).Single(r => r.PeriodKey == period);

    private IReadOnlyList<string> OperatorLines() =>
        Scenario.Logs.At(LogLevel.Information).Where(l => l.StartsWith("Operator ", StringComparison.Ordinal)).ToList();

    /// <summary>POSTs to an action with the token of its own confirmation page.</summary>
    private async Task<(HttpStatusCode Status, string Html)> PostAsync(string path, params (string, string)[] fields)
    {
        var response = await SubscriptionSteps.PostFormAsync(Scenario.Client(), path, path, fields);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>POSTs to an action with the operator credential but no antiforgery token (a forged cross-site form).</summary>
    private async Task<(HttpStatusCode Status, string Html)> PostWithoutTokenAsync(string path, params (string Name, string Value)[] fields)
    {
        var response = await Scenario.Client().PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Resend_ShowsWhatItWillDo_AndChangesNothing_OnGet()
    {
        var ada = Reader("ada@example.org");
        var unknown = Row("ada@example.org", "extra:unknown");

        var response = await Scenario.Client().GetAsync($"/admin/readers/{ada.Id}/resend/{unknown.Id}");
        var html = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain($"Digest extra:unknown to ada@example.org (now unknown, {unknown.Attempts} attempts) goes back to pending"));
        Assert.That(Row("ada@example.org", "extra:unknown").State, Is.EqualTo(DeliveryStates.Unknown));
    }

    [Test]
    public async Task Resend_PutsAnUnknownRowBackToPending_AndLogsWho()
    {
        var ada = Reader("ada@example.org");
        var unknown = Row("ada@example.org", "extra:unknown");

        var (status, html) = await PostAsync($"/admin/readers/{ada.Id}/resend/{unknown.Id}");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain("Digest extra:unknown is pending again"));
        Assert.That(Row("ada@example.org", "extra:unknown").State, Is.EqualTo(DeliveryStates.Pending));
        Assert.That(OperatorLines(), Is.EqualTo(new[] { $"Operator admin resent delivery {unknown.Id} (extra:unknown, was unknown) of subscriber {ada.Id}" }));
    }

    [Test]
    public async Task Resend_ChangesNothing_WithoutTheAntiforgeryToken()
    {
        var ada = Reader("ada@example.org");
        var unknown = Row("ada@example.org", "extra:unknown");

        var (status, html) = await PostWithoutTokenAsync($"/admin/readers/{ada.Id}/resend/{unknown.Id}");

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(html, Does.Contain("__af: the form has expired"));
        Assert.That(Row("ada@example.org", "extra:unknown").State, Is.EqualTo(DeliveryStates.Unknown));
        Assert.That(OperatorLines(), Is.Empty);
    }

    [Test]
    public async Task Resend_IsRefused_ForASentRow_AndForAnotherReadersRow()
    {
        var ada = Reader("ada@example.org");
        var sent = Row("ada@example.org", "daily:" + Scenario.Day3);
        var dansFailed = Row("dan@example.org", "daily:" + Scenario.Day3);

        var sentPage = await Scenario.Client().GetAsync($"/admin/readers/{ada.Id}/resend/{sent.Id}");
        var (_, posted) = await PostWithTokenOfAsync($"/admin/readers/{ada.Id}/resend/{sent.Id}", $"/admin/readers/{ada.Id}/delete");
        var (_, foreign) = await PostWithTokenOfAsync($"/admin/readers/{ada.Id}/resend/{dansFailed.Id}", $"/admin/readers/{ada.Id}/delete");

        Assert.That(sentPage.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await sentPage.Content.ReadAsStringAsync(), Does.Contain("only unknown or failed digests are sent again").And.Not.Contain("<button"));
        Assert.That(posted, Does.Contain("Nothing changed: digest daily:" + Scenario.Day3 + " is sent"));
        Assert.That(foreign, Does.Contain("Nothing changed: that digest is not one of this reader"));
        Assert.That(Row("ada@example.org", "daily:" + Scenario.Day3).State, Is.EqualTo(DeliveryStates.Sent));
        Assert.That(Row("dan@example.org", "daily:" + Scenario.Day3).State, Is.EqualTo(DeliveryStates.Failed));
    }

    /// <summary>POSTs to <paramref name="action"/> with a valid token taken from another operator form.</summary>
    private async Task<(HttpStatusCode Status, string Html)> PostWithTokenOfAsync(string action, string pagePath)
    {
        var response = await SubscriptionSteps.PostFormAsync(Scenario.Client(), pagePath, action);
        return (response.StatusCode, Squeezed(await response.Content.ReadAsStringAsync()));
    }

    [Test]
    public async Task Suppress_StopsAConfirmedReader_AndEndsTheirUnsentDigests()
    {
        var ada = Reader("ada@example.org");

        var (status, html) = await PostAsync($"/admin/readers/{ada.Id}/suppress");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain("ada@example.org is suppressed; 1 unsent digest was ended."));
        var after = Reader("ada@example.org");
        Assert.That(after.State, Is.EqualTo(SubscriberStates.Suppressed));
        Assert.That(after.StateReason, Is.EqualTo("suppressed by operator admin"));
        Assert.That(Row("ada@example.org", "extra:retry").State, Is.EqualTo(DeliveryStates.Failed), "the retrying row is not sent after all");
        Assert.That(OperatorLines(), Is.EqualTo(new[] { $"Operator admin suppressed subscriber {ada.Id} (1 unsent digests ended)" }));
    }

    [Test]
    public async Task Suppress_ChangesNothing_WithoutTheAntiforgeryToken()
    {
        var ada = Reader("ada@example.org");

        var (status, _) = await PostWithoutTokenAsync($"/admin/readers/{ada.Id}/suppress");

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Reader("ada@example.org").State, Is.EqualTo(SubscriberStates.Confirmed));
        Assert.That(Row("ada@example.org", "extra:retry").State, Is.EqualTo(DeliveryStates.Retry));
    }

    [Test]
    public async Task Lift_AsksForAReason_AndNamesTheField_WhenThereIsNone()
    {
        var dan = Reader("dan@example.org");

        var (status, html) = await PostAsync($"/admin/readers/{dan.Id}/lift", ("reason", "   "));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(html, Does.Contain("reason: say why the suppression is lifted."));
        Assert.That(Reader("dan@example.org").State, Is.EqualTo(SubscriberStates.Suppressed));
    }

    [Test]
    public async Task Lift_ConfirmsASuppressedReaderAgain_KeepingTheReason()
    {
        var dan = Reader("dan@example.org");

        var (status, html) = await PostAsync($"/admin/readers/{dan.Id}/lift", ("reason", "their mailbox works again (ticket 42)"));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), html);
        var after = Reader("dan@example.org");
        Assert.That(after.State, Is.EqualTo(SubscriberStates.Confirmed));
        Assert.That(after.StateReason, Is.EqualTo("suppression lifted by operator admin: their mailbox works again (ticket 42)"));
        Assert.That(after.NextDueAt, Is.GreaterThan(Scenario.Now), "the next digest is scheduled");
        Assert.That(OperatorLines(), Is.EqualTo(new[] { $"Operator admin lifted the suppression of subscriber {dan.Id}: their mailbox works again (ticket 42)" }));
    }

    [Test]
    public async Task Lift_ChangesNothing_WithoutTheAntiforgeryToken()
    {
        var dan = Reader("dan@example.org");

        var (status, _) = await PostWithoutTokenAsync($"/admin/readers/{dan.Id}/lift", ("reason", "forged"));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Reader("dan@example.org").State, Is.EqualTo(SubscriberStates.Suppressed));
    }

    [Test]
    public async Task Delete_RemovesTheReaderAndTheirLedger_AsTheirOwnDeleteDoes()
    {
        var ada = Reader("ada@example.org");

        var (status, html) = await PostAsync($"/admin/readers/{ada.Id}/delete");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(Scenario.Get<SubscriberStore>().FindByEmail("ada@example.org"), Is.Null);
        using var connection = Scenario.Get<Database>().Open();
        Assert.That(connection.ExecuteScalar<int>("SELECT count(*) FROM deliveries WHERE subscriber_id = @id", new { id = ada.Id }), Is.Zero);
        Assert.That(OperatorLines(), Is.EqualTo(new[] { $"Operator admin deleted subscriber {ada.Id}" }));
        var gone = await Scenario.Client().GetAsync($"/admin/readers/{ada.Id}/delete");
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Delete_ChangesNothing_WithoutTheAntiforgeryToken()
    {
        var ada = Reader("ada@example.org");

        var (status, _) = await PostWithoutTokenAsync($"/admin/readers/{ada.Id}/delete");

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(Scenario.Get<SubscriberStore>().FindByEmail("ada@example.org"), Is.Not.Null);
    }
}
