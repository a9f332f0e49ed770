using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Digests;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Subscriptions.SubscriptionSteps;

namespace Newsletter.Tests.Storage;

/// <summary>
/// A backup is enough to restore: a fresh app on the copy, in another folder, has every reader, token and ledger
/// row, and the links and forms handed out before the backup still work there (the antiforgery keys travel in the
/// database). The scheduled backup keeps the newest <c>Storage:BackupKeep</c>.
/// </summary>
[NonParallelizable]
public partial class BackupRestoreTests
{
    private TestWorkspace _live = null!, _restored = null!;

    [SetUp]
    public void SetUp()
    {
        _live = new TestWorkspace();
        _restored = new TestWorkspace();
    }

    [TearDown]
    public void TearDown()
    {
        _live.Dispose();
        _restored.Dispose();
    }

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private static HttpClient CookielessClient(NewsletterFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    private static long Count(NewsletterFactory app, string table) => Scalar<long>(app, $"SELECT count(*) FROM {table}");

    [Test]
    public void StorageBackupVerb_WritesACopyWithEveryReader_AndNeverOverwrites()
    {
        Newsletter.Tests.Delivery.LedgerSeed.Readers(_live.DatabasePath, 3);
        var settings = new Dictionary<string, string> { ["Storage:Database"] = _live.DatabasePath };
        var copy = Path.Combine(_restored.Folder, "backups", "newsletter-copy.db");

        var first = NewsletterProcess.Run(settings, "storage", "backup", copy);
        var again = NewsletterProcess.Run(settings, "storage", "backup", copy);

        Assert.That(first.ExitCode, Is.Zero, first.Error + first.Output);
        Assert.That(first.Output, Does.Contain($"storage backup: {copy} ("));
        using (var connection = new Database(copy).Open())
            Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM subscribers"), Is.EqualTo(3));
        Assert.That(again.ExitCode, Is.EqualTo(1), "an existing file is never overwritten");
        Assert.That(again.Error, Does.StartWith($"newsletter: cannot back up to {copy}").And.Not.Contain("   at "));
    }

    [Test]
    public async Task RestoredCopy_ServesEveryReaderTokenAndLedgerRow_AndTheOldLinksAndFormsWork()
    {
        await using var live = new NewsletterFactory(_live).Started();
        var client = Client(live);
        var ada = await SubscribeConfirmedAsync(live, client, _live, new { email = "ada@example.org", topics = new[] { "diffusion" } }, "ada@example.org");
        var pendingLink = await SubscribeAsync(live, client, _live, new { email = "bob@example.org", topics = new[] { "diffusion" } });
        Execute(live, "INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, items_json) VALUES (@ada, 'daily:2026-11-24', 'sent', '2026-11-24T08:00:00.000Z', 'm1', '[]')", new { ada });
        var row = Scalar<long>(live, "SELECT id FROM deliveries");
        var service = live.Get<SubscriptionService>();
        var manage = service.ManagePath(ada);
        var unsubscribe = service.UnsubscribePath(ada);
        var archive = "/digests/" + live.Get<DigestArchive>().Token(row);
        // Bob's confirmation page as his browser got it before the backup: its form token and cookie.
        var page = await CookielessClient(live).GetAsync(pendingLink);
        var formToken = AntiforgeryField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        var cookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("newsletter.af=", StringComparison.Ordinal)).Split(';')[0];
        var counts = new[] { "subscribers", "subscriber_filters", "confirmations", "deliveries", "server_secrets" }.ToDictionary(t => t, t => Count(live, t));

        live.Get<BackupStore>().Write(_restored.DatabasePath);
        await using var restored = new NewsletterFactory(_restored).Started();

        foreach (var (table, count) in counts) Assert.That(Count(restored, table), Is.EqualTo(count), table);
        Assert.That(Count(restored, "data_protection_keys"), Is.GreaterThan(0), "the antiforgery keys are in the copy");
        var restoredClient = CookielessClient(restored);
        Assert.That((await restoredClient.GetAsync(manage)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "manage link");
        Assert.That((await restoredClient.GetAsync(unsubscribe)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "unsubscribe link");
        Assert.That((await restoredClient.GetAsync(archive)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "archived copy");
        using var confirm = new HttpRequestMessage(HttpMethod.Post, pendingLink) { Content = new FormUrlEncodedContent([new("__af", formToken)]) };
        confirm.Headers.Add("Cookie", cookie);
        var confirmed = await restoredClient.SendAsync(confirm);
        Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the form opened before the backup submits to the restored copy");
        Assert.That(Scalar<string>(restored, "SELECT state FROM subscribers WHERE email = 'bob@example.org'"), Is.EqualTo("confirmed"));
        Assert.That(Scalar<string>(live, "SELECT state FROM subscribers WHERE email = 'bob@example.org'"), Is.EqualTo("pending"), "the live database is untouched");
    }

    [Test]
    public async Task Backup_IsConsistent_WhileAWriterHoldsItsTransaction()
    {
        await using var live = new NewsletterFactory(_live).Started();
        var client = Client(live);
        await SubscribeConfirmedAsync(live, client, _live, new { email = "ada@example.org", topics = new[] { "diffusion" } }, "ada@example.org");
        using var writer = live.Get<Database>().Open();
        using var transaction = writer.BeginTransaction();
        writer.Execute("INSERT INTO subscribers (email, state, created_at) VALUES ('half@example.org', 'pending', '2026-11-24T08:00:00.000Z')", transaction: transaction);

        // The copy is read while the writer's row is uncommitted; recording the backup then waits for the writer.
        var backup = Task.Run(() => live.Get<BackupStore>().Write(_restored.DatabasePath));
        while (!File.Exists(_restored.DatabasePath) && !backup.IsCompleted) await Task.Delay(10);
        transaction.Commit();
        var record = await backup;

        await using var restored = new NewsletterFactory(_restored).Started();
        Assert.That(Scalar<string>(restored, "SELECT group_concat(email) FROM subscribers"), Is.EqualTo("ada@example.org"), "the copy is the database as of one moment");
        Assert.That(record.Bytes, Is.EqualTo(new FileInfo(_restored.DatabasePath).Length));
        Assert.That(live.Get<BackupStore>().Last(), Is.EqualTo(record));
        Assert.Throws<IOException>(() => live.Get<BackupStore>().Write(_restored.DatabasePath), "a backup never overwrites a file");
    }

    [Test]
    public async Task ScheduledBackup_KeepsTheNewest_BackupKeep()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 3, 30, 0, TimeSpan.Zero));
        var folder = _live.PathFor("backups");
        await using var live = new NewsletterFactory(_live, new Dictionary<string, string?> { ["Storage:BackupDirectory"] = folder, ["Storage:BackupKeep"] = "2" })
            .WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        _ = live.Server;
        live.Services.GetRequiredService<Migrator>().Migrate();

        for (var day = 0; day < 3; day++)
        {
            live.Services.GetRequiredService<BackupJob>().Run();
            live.Services.GetRequiredService<BackupJob>().Run(); // a retried run writes nothing more
            clock.Advance(TimeSpan.FromDays(1));
        }

        Assert.That(Directory.GetFiles(folder).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "newsletter-20261125T033000Z.db", "newsletter-20261126T033000Z.db" }));
        var last = live.Services.GetRequiredService<BackupStore>().Last()!;
        Assert.That(last.Path, Is.EqualTo(Path.Combine(folder, "newsletter-20261126T033000Z.db")));
        Assert.That(last.TakenAt, Is.EqualTo(new DateTimeOffset(2026, 11, 26, 3, 30, 0, TimeSpan.Zero)));
    }

    [Test]
    public async Task KeysFromTheOldKeysFolder_AreCopiedIntoTheDatabase()
    {
        // A form opened under the previous version, whose keys lived in keys/ beside the database.
        var keys = _live.PathFor("keys");
        await using (var before = new NewsletterFactory(_live).Started())
        {
            var ring = before.Get<Database>();
            using var connection = ring.Open();
            var xml = connection.Query<(string Name, string Xml)>("SELECT name, xml FROM data_protection_keys").ToList();
            Directory.CreateDirectory(keys);
            foreach (var (name, text) in xml) await File.WriteAllTextAsync(Path.Combine(keys, name + ".xml"), text);
            connection.Execute("DELETE FROM data_protection_keys");
        }

        await using var after = new NewsletterFactory(_live).Started();
        var client = CookielessClient(after);
        await client.GetAsync("/");

        Assert.That(Scalar<string>(after, "SELECT group_concat(name) FROM data_protection_keys"),
            Is.EqualTo(string.Join(",", Directory.GetFiles(keys, "*.xml").Select(Path.GetFileNameWithoutExtension))), "the old key, not a new one");
    }
}
