using Newsletter.Tests.Support;

namespace Newsletter.Tests.Subscriptions;

/// <summary>The Subscriptions config section is validated at start, naming the key at fault.</summary>
public class SubscriptionOptionsTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [TestCase("Subscriptions:MaxConfirmationsPerDay", "0")]
    [TestCase("Subscriptions:ConfirmationLifetimeHours", "0")]
    [TestCase("Subscriptions:SubscribePermitsPerMinute", "0")]
    public void Start_Fails_NamingTheKey_WhenASubscriptionsSettingIsOutOfRange(string key, string value)
    {
        var result = NewsletterProcess.Run(new Dictionary<string, string>
        {
            ["Storage:Database"] = _workspace.DatabasePath, ["Smtp:PickupDirectory"] = _workspace.Outbox, [key] = value,
        }, "subscribers", "export");

        result.AssertRefusedToStart(key);
    }

    [Test]
    public void Help_ListsTheSubscribersVerbs()
    {
        var result = NewsletterProcess.Run(new Dictionary<string, string> { ["Storage:Database"] = _workspace.DatabasePath }, "subscribers", "--help");

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Does.Contain("import").And.Contain("export"));
    }
}
