using System.Net;
using System.Net.Sockets;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Hosting;

/// <summary>
/// The real executable's command line: only no verb (or <c>serve</c>) serves; anything it does not know prints the
/// usage and exits 2; a port already taken is one line and exit 1.
/// </summary>
public class CommandLineTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private Dictionary<string, string> Settings() => new()
    {
        ["Storage:Database"] = _workspace.DatabasePath,
        ["Smtp:PickupDirectory"] = _workspace.Outbox,
    };

    [TestCase("sned-due", "unknown verb 'sned-due'")]
    [TestCase("bounce import x.eml", "unknown verb 'bounce'")]
    public void UnknownVerb_PrintsTheUsageAndExits2_InsteadOfServingTheSite(string line, string problem)
    {
        var result = NewsletterProcess.Run(Settings(), line.Split(' '));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output + result.Error);
        Assert.That(result.Error, Does.StartWith("newsletter: " + problem));
        Assert.That(result.Error, Does.Contain("Usage:").And.Contain("send-due"), "the usage lists the verbs");
        Assert.That(File.Exists(_workspace.DatabasePath), Is.False, "nothing was started");
    }

    [TestCase("--frobnicate 1", "unknown option '--frobnicate'")]
    [TestCase("--url http://127.0.0.1:1", "unknown option '--url'")]
    [TestCase("serve extra", "unexpected argument 'extra'")]
    [TestCase("send-due --bogus", "unknown option '--bogus'")]
    public void UnknownOption_PrintsTheUsageAndExits2(string line, string problem)
    {
        var result = NewsletterProcess.Run(Settings(), line.Split(' '));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output + result.Error);
        Assert.That(result.Error, Does.StartWith("newsletter: " + problem));
        Assert.That(result.Error, Does.Contain("Usage:"));
        Assert.That(File.Exists(_workspace.DatabasePath), Is.False, "nothing was started");
    }

    [Test]
    public async Task UrlsSwitch_StillServes()
    {
        await using var served = await ServedNewsletter.StartAsync(_workspace, arguments: url => ["--urls", url]);
        using var http = new HttpClient();

        Assert.That(await http.GetStringAsync(served.BaseUrl + "/healthz"), Is.EqualTo("ok"));
    }

    [Test]
    public async Task ServeVerb_Serves_WithSettingSwitches()
    {
        await using var served = await ServedNewsletter.StartAsync(_workspace,
            // A section the settings files do not have (Kestrel's) is still a setting ASP.NET Core reads.
            arguments: url => ["serve", "--urls", url, "--Site:Name", "Switched", "--Kestrel:Limits:MaxConcurrentConnections", "100"]);
        using var http = new HttpClient();

        Assert.That(await http.GetStringAsync(served.BaseUrl + "/"), Does.Contain("<title>Switched</title>"));
    }

    [Test]
    public void PortInUse_IsOneLineAndExit1_NotACrash()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        var settings = Settings();
        settings["Urls"] = url;

        var result = NewsletterProcess.Run(settings);

        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output + result.Error);
        Assert.That(result.Error.Trim(), Is.EqualTo($"newsletter: {url} is in use: set Urls"));
        Assert.That(result.Output + result.Error, Does.Not.Contain("   at "), "no stack trace");
    }
}
