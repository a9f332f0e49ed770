using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Foundation;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Storage;

public class PostgresMigratorTests
{
    [Test]
    public void EveryPostgresOwnForm_ReplacesAStepOfTheSameNumberAndName()
    {
        const string own = "Newsletter.Storage.Migrations.Postgres.";
        var forms = typeof(Migrator).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(own, StringComparison.Ordinal)).Select(name => name[own.Length..^".sql".Length]).ToList();
        var steps = Migrator.Shipped(StorageProviders.Sqlite).Select(m => m.Name).ToList();

        Assert.That(forms, Is.Not.Empty);
        Assert.That(forms, Is.SubsetOf(steps), "a PostgreSQL file without its step would never run");
        Assert.That(Migrator.Shipped(StorageProviders.Postgres).Select(m => m.Name), Is.EqualTo(steps));
        foreach (var form in forms)
            Assert.That(Migrator.Shipped(StorageProviders.Postgres).Single(m => m.Name == form).Sql,
                Is.Not.EqualTo(Migrator.Shipped(StorageProviders.Sqlite).Single(m => m.Name == form).Sql),
                $"{form}: PostgreSQL runs its own form");
    }

    [Test]
    public void Migrate_CreatesEveryTable_WithoutTheFullTextIndex()
    {
        using var empty = new EmptyPostgresDatabase();
        using var database = Database.Postgres(empty.ConnectionString);

        var applied = new Migrator(database, NullLogger<Migrator>.Instance, TimeProvider.System).Migrate();

        Assert.That(applied, Is.EqualTo(Migrator.Shipped(StorageProviders.Postgres).Select(m => m.Version)));
        using var connection = database.Connect();
        var tables = connection.Query<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").ToList();
        Assert.That(tables, Is.SupersetOf(new[] { "papers", "subscribers", "subscriber_filters", "tokens", "deliveries", "confirmations",
            "bounce_events", "reader_states", "data_protection_keys", "server_secrets", "schema_version" }));
        Assert.That(tables, Has.None.StartsWith("papers_fts"));
        Assert.That(new Migrator(database, NullLogger<Migrator>.Instance, TimeProvider.System).Migrate(), Is.Empty, "a second start applies nothing");
    }

    [Test]
    public void Migrate_AppliesEachMigrationOnce_WhenSeveralNodesStartAtOnce()
    {
        using var empty = new EmptyPostgresDatabase();
        var connectionString = empty.ConnectionString;
        const int nodes = 4;
        using var ready = new Barrier(nodes);

        var applied = Enumerable.Range(0, nodes).AsParallel().WithDegreeOfParallelism(nodes).Select(_ =>
        {
            using var database = Database.Postgres(connectionString);
            ready.SignalAndWait();
            return new Migrator(database, NullLogger<Migrator>.Instance, TimeProvider.System).Migrate();
        }).ToList();

        var shipped = Migrator.Shipped(StorageProviders.Postgres).Select(m => m.Version).ToList();
        Assert.That(applied.SelectMany(versions => versions).Order(), Is.EqualTo(shipped), "each migration applied by exactly one node");
        Assert.That(applied.Count(versions => versions.Count > 0), Is.EqualTo(1), "one node migrated, the others found it done");
        using var check = Database.Postgres(connectionString);
        using var connection = check.Connect();
        Assert.That(connection.Query<int>("SELECT version FROM schema_version ORDER BY version"), Is.EqualTo(shipped));
    }

    [Test]
    public void Migrate_RollsBackAFailingMigrationWhole()
    {
        using var empty = new EmptyPostgresDatabase();
        using var database = Database.Postgres(empty.ConnectionString);
        var broken = (1, "0001_broken", "CREATE TABLE c (z bigint); INSERT INTO nowhere VALUES (1);");

        Assert.That(() => new Migrator(database, NullLogger<Migrator>.Instance, TimeProvider.System).Migrate([broken]), Throws.InstanceOf<Npgsql.PostgresException>());

        using var connection = database.Connect();
        Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'c'"), Is.Zero);
        Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM schema_version"), Is.Zero);
    }

    [Test]
    public void Migrate_NamesTheSetting_WhenTheServerCannotBeReached()
    {
        using var database = Database.Postgres($"Host=127.0.0.1;Port={Postgres.Shared.Port};Username=postgres;Database=no_such_database");

        var error = Assert.Throws<ConfigurationException>(() => new Migrator(database, NullLogger<Migrator>.Instance, TimeProvider.System).Migrate())!;

        Assert.That(error.Key, Is.EqualTo("Storage:ConnectionString"));
        Assert.That(error.Message, Does.Contain("no_such_database"));
    }

    [Test]
    public void Timestamps_AreInstants_WrittenAndReadInUtc()
    {
        using var migrated = new ProviderDatabase(StorageProviders.Postgres);
        using var connection = migrated.Database.Connect();
        var berlinMorning = new DateTimeOffset(2026, 3, 29, 9, 30, 0, 123, TimeSpan.FromHours(2));

        connection.Execute("INSERT INTO subscribers (email, state, created_at) VALUES ('t@example.org', 'pending', @at)", new { at = berlinMorning });

        Assert.That(connection.ExecuteScalar<string>("SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') FROM subscribers"),
            Is.EqualTo("2026-03-29 07:30:00.123"));
        var read = connection.ExecuteScalar<DateTimeOffset>("SELECT created_at FROM subscribers");
        Assert.That(read, Is.EqualTo(berlinMorning));
        Assert.That(read.Offset, Is.EqualTo(TimeSpan.Zero));
        Assert.That(connection.ExecuteScalar<string>("SELECT utc_day(created_at) FROM subscribers"), Is.EqualTo("2026-03-29"));
    }
}
