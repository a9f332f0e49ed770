using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Attacks;

/// <summary>
/// Issue 12.4: keywords kept NUL and CR/LF (the export showed them, <c>preview</c> printed them raw). Every text field
/// of a subscription refuses control characters, through the API, the form and the CSV import alike.
/// </summary>
public class ControlCharacterTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private static IEnumerable<TestCaseData> Bodies()
    {
        yield return new TestCaseData(new { email = "r@example.org", keywords = new[] { "mamba\u0000video" } }, "keywords").SetName("NulInKeyword");
        yield return new TestCaseData(new { email = "r@example.org", keywords = new[] { "mamba\r\nBcc: x@example.org" } }, "keywords").SetName("CrLfInKeyword");
        yield return new TestCaseData(new { email = "r@example.org\u0000", topics = new[] { "diffusion" } }, "email").SetName("NulInEmail");
        yield return new TestCaseData(new { email = "r@exa\nmple.org", topics = new[] { "diffusion" } }, "email").SetName("LineBreakInEmail");
        yield return new TestCaseData(new { email = "r@example.org", topics = new[] { "diffusion\u0007" } }, "topics").SetName("BellInTopic");
        yield return new TestCaseData(new { email = "r@example.org", topics = new[] { "diffusion" }, timezone = "UTC\u001b[2J" }, "timezone").SetName("EscapeInTimezone");
        yield return new TestCaseData(new { email = "r@example.org", topics = new[] { "diffusion" }, frequency = "dai\tly" }, "frequency").SetName("TabInFrequency");
        yield return new TestCaseData(new { email = "r@example.org", topics = new[] { "diffusion" }, order = "trend\u0085ing" }, "order").SetName("NextLineInOrder");
    }

    [TestCaseSource(nameof(Bodies))]
    public async Task Api_RefusesControlCharacters_NamingTheField(object body, string field)
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await Client(app).PostAsJsonAsync("/api/subscriptions", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(problem.RootElement.GetProperty("errors").GetProperty(field)[0].GetString(), Does.Contain("control characters"));
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM subscribers"), Is.Zero);
    }

    [Test]
    public async Task Form_RefusesACarriageReturnInsideAKeyword_BesideTheField()
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await PostFormAsync(Client(app), "/", "/", ("email", "r@example.org"), ("keywords", "mamba\rvideo"), ("action", "save"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("id=\"keywords-error\"").And.Contain("control characters"));
    }

    [Test]
    public void Import_RejectsARowWithANulInAKeyword()
    {
        var csv = _workspace.PathFor("nul.csv");
        File.WriteAllText(csv, "email,keywords\nada@example.org,mamba\nbob@example.org,\"mamba\u0000video\"\n");

        var result = NewsletterProcess.Run(new Dictionary<string, string>
        {
            ["Storage:Database"] = _workspace.DatabasePath, ["Smtp:PickupDirectory"] = _workspace.Outbox,
        }, "subscribers", "import", csv);

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Output, Does.Contain("line 3: rejected bob@example.org: keywords: Remove the control characters"));
        Assert.That(result.Output, Does.Contain("imported 1, skipped 0, rejected 1"));
    }
}
