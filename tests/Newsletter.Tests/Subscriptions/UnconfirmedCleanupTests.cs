using Newsletter.Subscriptions;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Subscriptions;

/// <summary>Addresses nobody confirmed are forgotten once their links are long dead; nothing else is touched.</summary>
public class UnconfirmedCleanupTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private static object Body(string email) => new { email, topics = new[] { "diffusion" } };

    private static long IdOf(NewsletterFactory app, string email) =>
        Scalar<long>(app, "SELECT id FROM subscribers WHERE email = @email", new { email });

    private static void Backdate(NewsletterFactory app, string email, int days)
    {
        var then = DateTimeOffset.UtcNow.AddDays(-days);
        Execute(app, "UPDATE subscribers SET created_at = @then WHERE email = @email", new { then, email });
        Execute(app, "UPDATE confirmations SET created_at = @then, expires_at = @then WHERE subscriber_id = (SELECT id FROM subscribers WHERE email = @email)",
            new { then, email });
    }

    [Test]
    public async Task Cleanup_DeletesOnlyOldNeverConfirmedAddresses_WithEverythingAboutThem()
    {
        await using var app = new NewsletterFactory(_workspace).Started();
        var client = Client(app);
        await SubscribeAsync(app, client, _workspace, Body("stale@example.org"));
        await SubscribeAsync(app, client, _workspace, Body("asked-again@example.org"));
        await SubscribeAsync(app, client, _workspace, Body("fresh@example.org"));
        await SubscribeConfirmedAsync(app, client, _workspace, Body("reader@example.org"), "reader@example.org");
        var stale = IdOf(app, "stale@example.org");
        Backdate(app, "stale@example.org", days: 12);
        Backdate(app, "asked-again@example.org", days: 12);
        Backdate(app, "reader@example.org", days: 12);
        // A second confirmation email a day ago: their link may still be clicked.
        Execute(app, "UPDATE confirmations SET created_at = @then WHERE subscriber_id = @id",
            new { then = DateTimeOffset.UtcNow.AddDays(-1), id = IdOf(app, "asked-again@example.org") });

        var deleted = app.Get<UnconfirmedCleanupJob>().Run();

        Assert.That(deleted, Is.EqualTo(1));
        Assert.That(Scalar<long>(app, "SELECT COUNT(*) FROM subscribers WHERE email = 'stale@example.org'"), Is.Zero);
        Assert.That(Scalar<long>(app, "SELECT COUNT(*) FROM subscriber_filters WHERE subscriber_id = @stale", new { stale }), Is.Zero);
        Assert.That(Scalar<long>(app, "SELECT COUNT(*) FROM tokens WHERE subscriber_id = @stale", new { stale }), Is.Zero);
        Assert.That(Scalar<long>(app, "SELECT COUNT(*) FROM confirmations WHERE subscriber_id = @stale", new { stale }), Is.Zero);
        Assert.That(Scalar<long>(app, "SELECT COUNT(*) FROM subscribers"), Is.EqualTo(3), "asked again, fresh and the confirmed reader stay");
        Assert.That(app.Get<UnconfirmedCleanupJob>().Run(), Is.Zero, "a second run has nothing to do");
    }

    [Test]
    public async Task Cleanup_KeepsEverything_WhenRetentionIsZero()
    {
        await using var app = new NewsletterFactory(_workspace, new Dictionary<string, string?>
        {
            ["Subscriptions:UnconfirmedRetentionDays"] = "0",
        }).Started();
        await SubscribeAsync(app, Client(app), _workspace, Body("stale@example.org"));
        Backdate(app, "stale@example.org", days: 400);

        Assert.That(app.Get<UnconfirmedCleanupJob>().Run(), Is.Zero);
        Assert.That(Scalar<long>(app, "SELECT COUNT(*) FROM subscribers"), Is.EqualTo(1));
    }
}
