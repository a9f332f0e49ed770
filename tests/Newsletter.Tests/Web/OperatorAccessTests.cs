using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Newsletter.Tests.Support;
using Newsletter.Web;

namespace Newsletter.Tests.Web;

/// <summary>
/// The operator pages (/hangfire today) always ask for the operator credential, from loopback too. Run against the
/// real executable on a loopback port, where the old rule let every local request in.
/// </summary>
public partial class OperatorAccessTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private static async Task<HttpResponseMessage> DashboardAsync(ServedNewsletter served, string? user = null, string? password = null)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, served.BaseUrl + "/hangfire");
        if (user is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return await http.SendAsync(request);
    }

    [GeneratedRegex(@"user (\S+), password (\S+)\. It is shown this once")]
    private static partial Regex GeneratedPasswordLine();

    [TestCase("/admin")]
    [TestCase("/hangfire")]
    [TestCase("/metrics")]
    public async Task ForwardedRequests_ClaimingToBeLocal_StillNeedThePassword(string path)
    {
        // Behind a listed same-host proxy, as the README's reverse-proxy recipe sets it up.
        await using var served = await ServedNewsletter.StartAsync(_workspace, new Dictionary<string, string>
        {
            ["Admin:Password"] = "correct horse battery", ["Site:TrustedProxies:0"] = "127.0.0.1",
        });
        async Task<HttpStatusCode> GetAsync(bool signedIn)
        {
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, served.BaseUrl + path);
            request.Headers.Add("X-Forwarded-For", "127.0.0.1");
            if (signedIn)
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin:correct horse battery"u8.ToArray()));
            return (await http.SendAsync(request)).StatusCode;
        }

        Assert.That(await GetAsync(signedIn: false), Is.EqualTo(HttpStatusCode.Unauthorized), "a forwarded local address is not a credential");
        Assert.That(await GetAsync(signedIn: true), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Dashboard_AsksForTheOperatorPassword_EvenFromLoopback()
    {
        await using var served = await ServedNewsletter.StartAsync(_workspace, new Dictionary<string, string> { ["Admin:Password"] = "correct horse battery" });

        var none = await DashboardAsync(served);
        var wrongPassword = await DashboardAsync(served, "admin", "correct horse battery!");
        var wrongUser = await DashboardAsync(served, "root", "correct horse battery");
        var right = await DashboardAsync(served, "admin", "correct horse battery");

        Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "loopback alone is not enough");
        Assert.That(none.Headers.WwwAuthenticate.ToString(), Does.StartWith("Basic realm=\"Newsletter operator\""));
        Assert.That(wrongPassword.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(wrongUser.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await right.Content.ReadAsStringAsync(), Does.Contain("Newsletter jobs"));
        Assert.That(served.Log, Does.Not.Contain("It is shown this once"), "a configured password needs no generated one");
    }

    [Test]
    public async Task WrongSignIns_AreCountedPerClient_AndAnsweredTooManyPastTheLimit()
    {
        await using var served = await ServedNewsletter.StartAsync(_workspace, new Dictionary<string, string> { ["Admin:Password"] = "correct horse battery" });

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i <= OperatorAccess.GuessesPerMinute; i++) answers.Add((await DashboardAsync(served, "admin", $"guess {i}")).StatusCode);

        Assert.That(answers.Take(OperatorAccess.GuessesPerMinute), Is.All.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(answers[^1], Is.EqualTo(HttpStatusCode.TooManyRequests), "past the limit a guess is not even checked");
        Assert.That((await DashboardAsync(served)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a request without credentials is no guess");
    }

    [Test]
    public async Task JobsDashboardPassword_StillWorks_AsTheOperatorCredential()
    {
        await using var served = await ServedNewsletter.StartAsync(_workspace, new Dictionary<string, string>
        {
            ["Jobs:DashboardUser"] = "ops",
            ["Jobs:DashboardPassword"] = "older setting works",
        });

        Assert.That((await DashboardAsync(served)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await DashboardAsync(served, "ops", "older setting works")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task FirstStart_MakesAPasswordThatWorks_AndLogsItOnlyOnce()
    {
        string user, password;
        await using (var first = await ServedNewsletter.StartAsync(_workspace))
        {
            var match = GeneratedPasswordLine().Match(await first.WaitForLogAsync("It is shown this once"));
            Assert.That(match.Success, Is.True, first.Log);
            (user, password) = (match.Groups[1].Value, match.Groups[2].Value);
            Assert.That(user, Is.EqualTo("admin"));
            Assert.That((await DashboardAsync(first, user, password)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await DashboardAsync(first, user, password + "x")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        await using var second = await ServedNewsletter.StartAsync(_workspace);

        Assert.That((await DashboardAsync(second, user, password)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "kept across restarts");
        Assert.That(second.Log, Does.Not.Contain(password), "printed on the first start only");
        var stored = Directory.GetFiles(_workspace.Folder, "newsletter.db*").Select(f => File.ReadAllText(f, Encoding.Latin1));
        Assert.That(string.Concat(stored), Does.Contain("pbkdf2-sha256$").And.Not.Contain(password), "only its hash is stored");
    }

    [Test]
    public async Task AdminPasswordVerb_MakesANewPassword_ThatReplacesTheOldOne()
    {
        var settings = new Dictionary<string, string> { ["Storage:Database"] = _workspace.DatabasePath };
        var made = NewsletterProcess.Run(settings, "admin", "password");
        Assert.That(made.ExitCode, Is.Zero, made.Error);
        var password = made.Output.Trim().Split(": ")[^1];
        var chosen = NewsletterProcess.RunWithInput(settings, "my own long secret\n", "admin", "password", "--stdin");
        Assert.That(chosen.ExitCode, Is.Zero, chosen.Error);
        Assert.That(chosen.Output, Does.Not.Contain("my own long secret"), "a password read from stdin is not echoed");

        await using var served = await ServedNewsletter.StartAsync(_workspace);

        Assert.That((await DashboardAsync(served, "admin", "my own long secret")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await DashboardAsync(served, "admin", password)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the made one was replaced");
        Assert.That(served.Log, Does.Not.Contain("It is shown this once"), "a stored password needs no generated one");
    }

    [Test]
    public void AdminPasswordVerb_Refuses_WhenTheConfigurationSetsThePassword()
    {
        var settings = new Dictionary<string, string> { ["Storage:Database"] = _workspace.DatabasePath, ["Admin:Password"] = "from the settings" };

        var result = NewsletterProcess.Run(settings, "admin", "password");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error.Trim(), Does.StartWith("newsletter: ").And.Contain("Admin:Password"));
    }

    [Test]
    public void AdminPasswordVerb_Refuses_AShortPassword()
    {
        var settings = new Dictionary<string, string> { ["Storage:Database"] = _workspace.DatabasePath };

        var result = NewsletterProcess.RunWithInput(settings, "short\n", "admin", "password", "--stdin");

        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("at least 12 characters"));
    }
}
