using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Newsletter.Matching;
using Newsletter.Subscriptions;

namespace Newsletter.Tests.Admin;

/// <summary>
/// <c>/admin/readers</c> over the scenario of <see cref="AdminScenario"/>: a reader's state, choices, digests and
/// bounces as the scenario wrote them; a bad or unknown address answered by name; the operator credential required.
/// </summary>
[NonParallelizable]
public class AdminReaderPageTests : AdminScenarioFixture
{
    [Test]
    public async Task Reader_ShowsStateChoicesDigestsAndBounces_OfASuppressedReader()
    {
        var topic = Scenario.Get<TopicCatalog>().Find("diffusion")!.Name;

        // Found by the address as anyone would type it: case and spaces do not matter.
        var (status, html) = await GetPageAsync("/admin/readers?email=%20Dan%40Example.ORG%20");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain("<h1>dan@example.org</h1>"));
        Assert.That(html, Does.Contain("<dt>State</dt><dd><strong>suppressed</strong> <span class=\"muted\">(1 permanent bounce(s) (smtp: 5.1.1 550 5.1.1 no such user))</span>"));
        Assert.That(html, Does.Contain($"<dt>Confirmed</dt><dd>{Scenario.Day2} 12:00 UTC</dd>"));
        Assert.That(html, Does.Contain($"<dt>Topics</dt><dd>{WebUtility.HtmlEncode(topic)}</dd>"));
        Assert.That(html, Does.Contain("<dt>Schedule</dt><dd>daily at 08:00, UTC"));
        Assert.That(html, Does.Contain($"<tr><th scope=\"row\">daily:{Scenario.Day3}</th> <td class=\"status-bad\">failed <span class=\"muted\">(1 bounce)</span></td>"));
        Assert.That(html, Does.Contain($"<tr><th scope=\"row\">daily:{Scenario.Day2}</th> <td class=\"status-ok\">sent</td>"));
        Assert.That(Regex.Matches(html, "Send again…").Count, Is.EqualTo(1), "only the failed row can be sent again");
        Assert.That(html, Does.Contain($"<tr><th scope=\"row\">{Scenario.Day3} 08:00 UTC</th><td>hard</td><td>daily:{Scenario.Day3}</td><td>smtp <span class=\"muted\">(smtp)</span></td><td class=\"error-text\">5.1.1 550 5.1.1 no such user</td></tr>"));
        Assert.That(html, Does.Contain("<a href=\"/admin/readers/").And.Contain("/lift\">Lift the suppression…</a>"));
        Assert.That(html, Does.Not.Contain("/suppress\">"), "a suppressed reader cannot be suppressed again");
    }

    [Test]
    public async Task Reader_ListsEachDigestsPapers_AndLinksItsArchivedCopy()
    {
        var (status, html) = await GetPageAsync("/admin/readers?email=ada@example.org");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain("<h2 id=\"digests\">Digests (4)</h2>"));
        Assert.That(html, Does.Contain("<summary>1 paper</summary><ol><li>Selective state space models for audio</li></ol>"));
        Assert.That(html, Does.Contain("<td class=\"error-text\">421 try later</td>"), "the retried row's last error");
        Assert.That(html, Does.Contain("<td class=\"error-text\">250 ok</td>"), "a sent row's server reply");
        Assert.That(Regex.Matches(html, "Send again…").Count, Is.EqualTo(1), "the unknown row only");
        var archive = Regex.Match(html, "<a href=\"(/digests/[^\"]+)\">Archived copy<span class=\"visually-hidden\"> of daily:" + Scenario.Day3);
        Assert.That(archive.Success, Is.True);
        var copy = await Scenario.Client(signedIn: false).GetAsync(WebUtility.HtmlDecode(archive.Groups[1].Value));
        Assert.That(copy.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await copy.Content.ReadAsStringAsync(), Does.Contain("Selective state space models for audio"));
    }

    [TestCase("not-an-address")]
    [TestCase("a@b@example.org")]
    public async Task Reader_NamesTheEmailField_WhenItIsNotAnAddress(string email)
    {
        var (status, html) = await GetPageAsync("/admin/readers?email=" + Uri.EscapeDataString(email));

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(html, Does.Contain("role=\"alert\" id=\"reader-email-error\">email: "));
    }

    [Test]
    public async Task Reader_SaysSo_WhenNoReaderHasTheAddress()
    {
        var (status, html) = await GetPageAsync("/admin/readers?email=erin@example.org");

        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(html, Does.Contain("No reader has the address erin@example.org"));
    }

    [Test]
    public async Task Reader_WithoutAnAddress_ShowsTheSearchForm()
    {
        var (status, html) = await GetPageAsync("/admin/readers");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("<h1>Find a reader</h1>").And.Contain("name=\"email\""));
    }

    [TestCase("/admin/readers?email=ada@example.org")]
    [TestCase("/admin/readers/1/suppress")]
    [TestCase("/admin/readers/1/delete")]
    [TestCase("/admin/deliveries")]
    [TestCase("/admin/deliveries/resend?state=unknown")]
    public async Task OperatorPages_NeedTheOperatorCredential(string path)
    {
        var (status, html) = await GetPageAsync(path, signedIn: false);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(html, Does.Not.Contain("ada@example.org"));
    }

    [TestCase("/admin/readers/1/suppress")]
    [TestCase("/admin/readers/1/delete")]
    [TestCase("/admin/deliveries/resend?state=unknown")]
    public async Task OperatorActions_NeedTheOperatorCredential_EvenWithAToken(string path)
    {
        var signedIn = Scenario.Client();
        var page = await (await signedIn.GetAsync(path)).Content.ReadAsStringAsync();
        var token = Regex.Match(page, "name=\"__af\" value=\"([^\"]+)\"").Groups[1].Value;
        var stranger = Scenario.Client(signedIn: false);

        var response = await stranger.PostAsync(path, new FormUrlEncodedContent([new("__af", token)]));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(Scenario.Logs.At(LogLevel.Information).Where(l => l.StartsWith("Operator", StringComparison.Ordinal)), Is.Empty);
        Assert.That(Scenario.Get<SubscriberStore>().FindByEmail("ada@example.org")!.State, Is.EqualTo(SubscriberStates.Confirmed));
    }
}
