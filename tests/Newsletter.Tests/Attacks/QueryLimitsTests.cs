using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Support.DigestWorld;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Attacks;

/// <summary>
/// Issue 12.1: one keyword could occupy the CPU for minutes (prefix, NEAR and OR shapes), in a preview, when
/// subscribing and in every planning run. Costly shapes are refused before they run, and whatever runs has a budget.
/// </summary>
public class QueryLimitsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 7, 0, 0, TimeSpan.Zero);
    private static readonly string PrefixFlood = string.Join(" ", Enumerable.Repeat("w*", 33));

    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private static IEnumerable<TestCaseData> CostlyShapes()
    {
        yield return new TestCaseData(PrefixFlood, "at least 3 letters before the *").SetName("PrefixFlood_w*_x33");
        yield return new TestCaseData("a*", "at least 3 letters before the *").SetName("ShortPrefix");
        yield return new TestCaseData("\"a b c\"*", "at least 3 letters before the *").SetName("ShortPhrasePrefix");
        yield return new TestCaseData("con* pre* int*", "at most 2 prefix searches").SetName("ManyPrefixes");
        yield return new TestCaseData("NEAR(a b c d e f g h, 5)", "at most 4 words or phrases in one NEAR").SetName("WideNear");
        yield return new TestCaseData("NEAR(sparse attention, 99999)", "at most 20").SetName("FarNear");
        yield return new TestCaseData("NEAR(NEAR(a b) c)", "NEAR( is not closed").SetName("NestedNear");
        yield return new TestCaseData("a OR b OR c OR d OR e OR f OR g OR h", "at most 6 alternatives joined by OR").SetName("ManyOrs");
        yield return new TestCaseData("(a OR (b OR (c OR (d OR e))))", "at most 3 levels of parentheses").SetName("DeepOrs");
        yield return new TestCaseData("body:mamba", "'body:' is not a column").SetName("UnknownColumn");
        yield return new TestCaseData("{title abstract authors}:mamba", "is not a column").SetName("ColumnSet");
        yield return new TestCaseData("-title:mamba", "is not a column").SetName("ColumnExclusion");
    }

    [TestCaseSource(nameof(CostlyShapes))]
    public async Task Preview_RefusesACostlyShape_NamingKeywordsAndTheRule(string keyword, string rule)
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await Client(app).GetAsync("/api/preview?keywords=" + Uri.EscapeDataString(keyword));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(problem.RootElement.GetProperty("errors").GetProperty("keywords")[0].GetString(), Does.Contain(rule));
    }

    [Test]
    public async Task Subscribe_RefusesThePrefixFlood_WithoutRunningIt()
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await Client(app).PostAsJsonAsync("/api/subscriptions", new { email = "w@example.org", keywords = new[] { PrefixFlood } });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(problem.RootElement.GetProperty("errors").GetProperty("keywords")[0].GetString(), Does.Contain("at least 3 letters before the *"));
        Assert.That(Scalar<long>(app, "SELECT count(*) FROM subscribers"), Is.Zero);
    }

    [Test]
    public async Task SubscribeForm_ShowsTheRuleBesideTheKeywords()
    {
        await using var app = new NewsletterFactory(_workspace).Started();

        var response = await PostFormAsync(Client(app), "/", "/", ("email", "w@example.org"), ("keywords", "mamba\nNEAR(a b, 500)"), ("action", "save"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("id=\"keywords-error\"").And.Contain("at most 20"));
    }

    [Test]
    public async Task Preview_OverItsBudget_IsInterrupted_AndAnswers503NamingKeywords()
    {
        await using var world = new DigestWorld(Now, new Dictionary<string, string?> { ["Queries:RequestBudgetMs"] = "5" });
        for (var i = 0; i < 3000; i++) world.AddPaper($"Kernels {i}", "About kernels and more kernels.", Now.AddHours(-5));
        var client = world.CreateClient();
        // Every check of the budget now finds 10 ms gone: the budget is spent at the first check (every 10,000 steps).
        world.Clock.AutoAdvanceAmount = TimeSpan.FromMilliseconds(10);

        var response = await client.GetAsync("/api/preview?keywords=kernels");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(problem.RootElement.GetProperty("field").GetString(), Is.EqualTo("keywords"));
        Assert.That(problem.RootElement.GetProperty("detail").GetString(), Does.Contain("longer than 5 ms"));

        world.Clock.AutoAdvanceAmount = TimeSpan.Zero;
        var unhurried = await client.GetAsync("/api/preview?keywords=kernels");
        Assert.That(unhurried.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the same search within its budget answers");
    }

    [Test]
    public async Task Planning_SkipsAStoredKeywordTheRulesRefuse_WithAWarning_AndPlansTheRest()
    {
        await using var world = new DigestWorld(Now);
        var mamba = world.AddPaper("Mamba for Text", "Long documents.", Now.AddHours(-5));
        var widgets = world.AddPaper("Widgets", "w words everywhere.", Now.AddHours(-5));
        // Stored before the rules existed (or written straight into the table): the planner checks it again.
        var flooder = world.AddReader("flood@example.org", Now.AddHours(-20), [Keyword(PrefixFlood), Keyword("mamba")]);
        var other = world.AddReader("other@example.org", Now.AddHours(-20), [Keyword("widgets")]);

        var run = world.Planner.Run(Now.AddHours(2));

        Assert.That(run.Readers, Is.EqualTo(2));
        Assert.That(run.FilterQueries, Is.EqualTo(2), "the refused keyword never ran");
        Assert.That(world.PapersSentTo(flooder.Id), Is.EqualTo(new[] { mamba }));
        Assert.That(world.PapersSentTo(other.Id), Is.EqualTo(new[] { widgets }));
        Assert.That(world.Logs.Lines, Has.Some.Contains("Skipping the keyword filter 'w* w*").And.Some.Contains("at least 3 letters"));
    }

    [Test]
    public async Task Planning_SkipsAKeywordThatSpendsItsBudget_WithAWarning_AndPlansTheRest()
    {
        await using var world = new DigestWorld(Now, new Dictionary<string, string?> { ["Queries:PlanningBudgetMs"] = "5" });
        // Enough matches that the query outlasts one check of the budget (a planning run checks every 50,000 steps).
        for (var i = 0; i < 6000; i++) world.AddPaper($"Kernels {i}", "About kernels and more kernels.", Now.AddHours(-5));
        var rare = world.AddPaper("A Rare Find", "Nothing else says zeugma.", Now.AddHours(-5));
        var slow = world.AddReader("slow@example.org", Now.AddHours(-20), [Keyword("kernels"), Keyword("zeugma")]);
        world.Clock.AutoAdvanceAmount = TimeSpan.FromMilliseconds(10);

        var run = world.Planner.Run(Now.AddHours(2));

        Assert.That(run.Readers, Is.EqualTo(1), "the run went on");
        Assert.That(world.PapersSentTo(slow.Id), Is.EqualTo(new[] { rare }), "the over-budget keyword is skipped, the other planned");
        Assert.That(world.Logs.Lines, Has.Some.Contains("Skipping the keyword filter 'kernels'").And.Some.Contains("Queries:PlanningBudgetMs"));
    }

    [Test]
    public async Task ManagePreview_IsRateLimited()
    {
        await using var app = new NewsletterFactory(_workspace, new Dictionary<string, string?> { ["Subscriptions:PreviewPermitsPerMinute"] = "3" }).Started();
        var client = Client(app);
        var id = await SubscribeConfirmedAsync(app, client, _workspace, new { email = "m@example.org", topics = new[] { "diffusion" } }, "m@example.org");
        var manage = new Uri(app.Get<SubscriptionLinks>().ForDigest(id, []).Manage).AbsolutePath;

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            codes.Add((await PostFormAsync(client, manage, manage, ("topics", "diffusion"), ("action", "preview"))).StatusCode);

        Assert.That(codes[..3], Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(codes[3], Is.EqualTo(HttpStatusCode.TooManyRequests));
    }
}
