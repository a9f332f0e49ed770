using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Foundation;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Storage;

public class MigratorTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private static readonly DateTimeOffset Now = new(2026, 12, 2, 6, 15, 0, TimeSpan.Zero);

    private static Migrator MigratorFor(string path) => new(new Database(path), NullLogger<Migrator>.Instance, new FakeTimeProvider(Now));

    [Test]
    public void Migrate_CreatesFolderFileAndEverySchemaObject_OnEmptyDatabase()
    {
        var path = _workspace.PathFor("nested/deeper/newsletter.db");

        var applied = MigratorFor(path).Migrate();

        Assert.That(applied, Is.EqualTo(Migrator.Shipped().Select(m => m.Version)));
        using var connection = new Database(path).Open();
        var tables = connection.Query<string>("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").ToList();
        Assert.That(tables, Is.SupersetOf(new[] { "papers", "papers_fts", "paper_categories", "subscribers", "subscriber_filters", "tokens", "deliveries", "schema_version" }));
        Assert.That(connection.ExecuteScalar<string>("PRAGMA journal_mode"), Is.EqualTo("wal"));
        Assert.That(connection.ExecuteScalar<long>("PRAGMA foreign_keys"), Is.EqualTo(1));
    }

    [Test]
    public void Migrate_AppliesNothingAndKeepsData_OnExistingDatabase()
    {
        var path = _workspace.DatabasePath;
        MigratorFor(path).Migrate();
        using (var connection = new Database(path).Open())
        {
            connection.Execute("INSERT INTO subscribers (email, state, created_at) VALUES ('kept@example.org', 'pending', '2026-01-01T00:00:00.000Z')");
        }

        var applied = MigratorFor(path).Migrate();

        Assert.That(applied, Is.Empty);
        using var check = new Database(path).Open();
        Assert.That(check.ExecuteScalar<long>("SELECT COUNT(*) FROM subscribers WHERE email = 'kept@example.org'"), Is.EqualTo(1));
        Assert.That(check.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_version"), Is.EqualTo(Migrator.Shipped().Count));
    }

    [Test]
    public void Migrate_AppliesOnlyTheMissingMigrations_WhenTheDatabaseIsBehind()
    {
        var migrator = MigratorFor(_workspace.DatabasePath);
        var first = (1, "0001_a", "CREATE TABLE a (x INTEGER)");
        var second = (2, "0002_b", "CREATE TABLE b (y INTEGER); INSERT INTO a (x) VALUES (42);");
        migrator.Migrate([first]);

        var applied = migrator.Migrate([first, second]);

        Assert.That(applied, Is.EqualTo(new[] { 2 }));
        using var connection = new Database(_workspace.DatabasePath).Open();
        Assert.That(connection.ExecuteScalar<long>("SELECT x FROM a"), Is.EqualTo(42));
        Assert.That(connection.Query<int>("SELECT version FROM schema_version ORDER BY version"), Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void Migrate_RecordsWhenEachMigrationWasApplied_ByTheServiceClock()
    {
        UtcTimestampHandler.Register();
        var clock = new FakeTimeProvider(Now);
        var migrator = new Migrator(new Database(_workspace.DatabasePath), NullLogger<Migrator>.Instance, clock);
        migrator.Migrate([(1, "0001_a", "CREATE TABLE a (x INTEGER)")]);
        clock.Advance(TimeSpan.FromDays(3));

        migrator.Migrate([(1, "0001_a", "CREATE TABLE a (x INTEGER)"), (2, "0002_b", "CREATE TABLE b (y INTEGER)")]);

        using var connection = new Database(_workspace.DatabasePath).Open();
        Assert.That(connection.Query<string>("SELECT applied_at FROM schema_version ORDER BY version"),
            Is.EqualTo(new[] { "2026-12-02T06:15:00.000Z", "2026-12-05T06:15:00.000Z" }));
    }

    [Test]
    public void Migrate_RollsBackAFailingMigrationWhole()
    {
        var migrator = MigratorFor(_workspace.DatabasePath);
        var broken = (1, "0001_broken", "CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1);");

        Assert.That(() => migrator.Migrate([broken]), Throws.InstanceOf<Microsoft.Data.Sqlite.SqliteException>());

        using var connection = new Database(_workspace.DatabasePath).Open();
        Assert.That(connection.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'c'"), Is.Zero);
        Assert.That(connection.ExecuteScalar<long>("SELECT COUNT(*) FROM schema_version"), Is.Zero);
    }

    [Test]
    public void Migrate_NamesTheSetting_WhenTheFolderCannotBeCreated()
    {
        // A path below a regular file can never be a folder, even for root.
        File.WriteAllText(_workspace.PathFor("a-file"), "x");
        var path = _workspace.PathFor("a-file/sub/newsletter.db");

        var error = Assert.Throws<ConfigurationException>(() => MigratorFor(path).Migrate())!;

        Assert.That(error.Key, Is.EqualTo("Storage:Database"));
        Assert.That(error.Message, Does.StartWith("Storage:Database: cannot open the database file"));
    }

    [Test]
    public void Timestamps_RoundTripAsSortableUtcText()
    {
        UtcTimestampHandler.Register();
        MigratorFor(_workspace.DatabasePath).Migrate();
        using var connection = new Database(_workspace.DatabasePath).Open();
        var berlinMorning = new DateTimeOffset(2026, 3, 29, 9, 30, 0, TimeSpan.FromHours(2));

        connection.Execute("INSERT INTO subscribers (email, state, created_at) VALUES ('t@example.org', 'pending', @at)", new { at = berlinMorning });

        Assert.That(connection.ExecuteScalar<string>("SELECT created_at FROM subscribers"), Is.EqualTo("2026-03-29T07:30:00.000Z"));
        Assert.That(connection.ExecuteScalar<DateTimeOffset>("SELECT created_at FROM subscribers"), Is.EqualTo(berlinMorning));
    }
}
