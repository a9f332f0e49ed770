using Dapper;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Delivery;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>
/// <c>Delivery:KeepDays</c>: the retention job deletes finished ledger rows planned longer ago, in batches, and keeps
/// newer rows and rows still waiting to be sent; the daily counts follow.
/// </summary>
public class LedgerRetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> App(FakeTimeProvider clock, int keepDays) =>
        new NewsletterFactory(_workspace, new Dictionary<string, string?> { ["Delivery:KeepDays"] = keepDays.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            .WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));

    /// <summary>Writes <paramref name="count"/> rows in <paramref name="state"/> planned <paramref name="daysAgo"/> days before now.</summary>
    private static void Rows(Database database, long reader, string state, int daysAgo, int count)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        for (var i = 0; i < count; i++)
            connection.Execute(
                "INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json) VALUES (@reader, @period, @state, @at, @period, '[{\"paper\":1,\"labels\":[],\"score\":1}]')",
                new { reader, period = $"{state}:{daysAgo}:{i}", state, at = Now.AddDays(-daysAgo) }, transaction);
        transaction.Commit();
    }

    private static Dictionary<string, long> Counts(Database database)
    {
        using var connection = database.Open();
        return connection.Query<(string Key, long Count)>(
                "SELECT state || ' ' || (julianday(@now) - julianday(created_at) > 30), count(*) FROM deliveries GROUP BY 1", new { now = Now })
            .ToDictionary(r => r.Key, r => r.Count);
    }

    /// <summary>Starts the app on a migrated database with one confirmed reader, whose id it returns.</summary>
    private static (Database Database, long Reader) Started(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> app)
    {
        _ = app.Server;
        app.Services.GetRequiredService<Migrator>().Migrate();
        var database = app.Services.GetRequiredService<Database>();
        using var connection = database.Open();
        var reader = connection.ExecuteScalar<long>(
            "INSERT INTO subscribers (email, state, created_at) VALUES ('ada@example.org', 'confirmed', @Now) RETURNING id", new { Now });
        return (database, reader);
    }

    [Test]
    public async Task Retention_RemovesFinishedRowsOlderThanKeepDays_InBatches_AndKeepsTheRest()
    {
        var clock = new FakeTimeProvider(Now);
        await using var app = App(clock, keepDays: 30);
        var (database, reader) = Started(app);
        Rows(database, reader, "sent", 31, LedgerRetentionJob.BatchSize + 5); // more than one batch
        Rows(database, reader, "failed", 40, 2);
        Rows(database, reader, "unknown", 400, 1);
        Rows(database, reader, "retry", 45, 1); // still being sent: kept whatever its age
        Rows(database, reader, "pending", 60, 1);
        Rows(database, reader, "sent", 29, 3); // inside the 30 days

        var removed = app.Services.GetRequiredService<LedgerRetentionJob>().Run();
        var again = app.Services.GetRequiredService<LedgerRetentionJob>().Run();

        Assert.That(removed, Is.EqualTo(LedgerRetentionJob.BatchSize + 5 + 2 + 1));
        Assert.That(again, Is.Zero, "a second run finds nothing more");
        Assert.That(Counts(database), Is.EqualTo(new Dictionary<string, long> { ["retry 1"] = 1, ["pending 1"] = 1, ["sent 0"] = 3 }));
        using var check = database.Open();
        Assert.That(check.ExecuteScalar<long>("SELECT coalesce(sum(rows), 0) FROM delivery_days WHERE state = 'sent'"), Is.EqualTo(3), "the daily counts say what is kept");

        // A day later the rows planned 29 days ago are 30 days old, still kept; two days later they go.
        clock.Advance(TimeSpan.FromDays(1));
        Assert.That(app.Services.GetRequiredService<LedgerRetentionJob>().Run(), Is.Zero);
        clock.Advance(TimeSpan.FromDays(1));
        Assert.That(app.Services.GetRequiredService<LedgerRetentionJob>().Run(), Is.EqualTo(3));
    }

    [Test]
    public async Task Retention_KeepsEveryRow_WhenKeepDaysIsZero()
    {
        await using var app = App(new FakeTimeProvider(Now), keepDays: 0);
        var (database, reader) = Started(app);
        Rows(database, reader, "sent", 4000, 2);

        Assert.That(app.Services.GetRequiredService<LedgerRetentionJob>().Run(), Is.Zero);
        Assert.That(Counts(database), Is.EqualTo(new Dictionary<string, long> { ["sent 1"] = 2 }));
    }
}
