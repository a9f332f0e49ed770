using System.Xml.Linq;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Newsletter.ForYou;
using Newsletter.Storage;
using Newsletter.Subscriptions;
using Newsletter.Tests.Delivery;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Storage;

/// <summary>
/// <c>storage copy --to</c> run as the real executable: a SQLite database seeded by the real planner and stores,
/// moved into an empty PostgreSQL database, then read back there through the same stores.
/// </summary>
public class StorageCopyTests
{
    [Test]
    public void Copy_MovesEveryRow_AndThePostgresSideReadsTheSame()
    {
        using var workspace = new TestWorkspace();
        var readers = LedgerSeed.Readers(workspace, 3);
        var now = LedgerSeed.PlannedAt.AddHours(1);
        using var sqlite = new Database(workspace.DatabasePath);
        var manage = new TokenStore(sqlite, new ServerSecretStore(sqlite)).LongLived(readers[1], TokenStore.Manage, now);
        new DataProtectionKeyStore(sqlite, new FakeTimeProvider(now)).StoreElement(new XElement("key", new XAttribute("id", "k1"), "sealed"), "k1");
        new MarkStore(sqlite).Set(readers[0], 1, MarkStore.More, MarkStore.FromDigest, now);
        new SubscriberStore(sqlite).Unsubscribe(readers[2], now);
        using var empty = new EmptyPostgresDatabase();
        var target = empty.ConnectionString;

        var copy = NewsletterProcess.Run(Settings(workspace), "storage", "copy", "--to", target);

        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.Error);
        Assert.That(copy.Output, Does.Match(@"subscribers\s+3 →\s+3").And.Match(@"deliveries\s+3 →\s+3").And.Contain("every count matches"));
        using var postgres = Database.Postgres(target);
        var sqliteReaders = new SubscriberStore(sqlite);
        var postgresReaders = new SubscriberStore(postgres);
        foreach (var id in readers)
        {
            Assert.That(postgresReaders.Find(id), Is.EqualTo(sqliteReaders.Find(id)), $"reader {id}");
            Assert.That(postgresReaders.Filters(id), Is.EqualTo(sqliteReaders.Filters(id)), $"reader {id}'s filters");
            Assert.That(postgresReaders.Ledger(id), Is.EqualTo(sqliteReaders.Ledger(id)), $"reader {id}'s ledger");
        }
        var lookup = new TokenStore(postgres, new ServerSecretStore(postgres)).Find(manage, TokenStore.Manage, now);
        Assert.That((lookup.Status, lookup.SubscriberId), Is.EqualTo((TokenStatus.Valid, (long?)readers[1])), "a manage link made before the move still works");
        Assert.That(new TokenStore(postgres, new ServerSecretStore(postgres)).LongLived(readers[1], TokenStore.Manage, now), Is.EqualTo(manage),
            "the link key moved: links made after the move are the same");
        Assert.That(new DataProtectionKeyStore(postgres, new FakeTimeProvider(now)).GetAllElements().Select(e => e.ToString()),
            Is.EqualTo(new DataProtectionKeyStore(sqlite, new FakeTimeProvider(now)).GetAllElements().Select(e => e.ToString())));
        Assert.That(new MarkStore(postgres).Find(readers[0], 1), Is.EqualTo(MarkStore.More));
        Assert.That(LedgerRows(postgres), Is.EqualTo(LedgerRows(sqlite)), "the frozen ledger, times as instants");
        var added = postgresReaders.EnsureExists("later@example.org", new SubscriptionRequest(), now);
        Assert.That(added, Is.GreaterThan(readers.Max()), "the identity sequence continues past the copied ids");
    }

    [Test]
    public void Copy_IsRefused_WhenTheTargetAlreadyHoldsRows()
    {
        using var workspace = new TestWorkspace();
        LedgerSeed.Readers(workspace, 1);
        using var empty = new EmptyPostgresDatabase();
        var target = empty.ConnectionString;
        Assert.That(NewsletterProcess.Run(Settings(workspace), "storage", "copy", "--to", target).ExitCode, Is.EqualTo(0));

        var again = NewsletterProcess.Run(Settings(workspace), "storage", "copy", "--to", target);

        Assert.That(again.ExitCode, Is.EqualTo(1));
        Assert.That(again.Error, Does.Contain("already holds rows").And.Contain("subscribers"));
        Assert.That(again.Error, Does.Not.Contain("   at "), "no stack trace");
        using var postgres = Database.Postgres(target);
        using var connection = postgres.Connect();
        Assert.That(connection.ExecuteScalar<long>("SELECT count(*) FROM subscribers"), Is.EqualTo(1), "nothing written twice");
    }

    // The bug: `storage copy` of the benchmark's 100,000 readers into PostgreSQL gave up after Npgsql's default 30 s
    // command timeout ("Exception while reading from stream"), as a COPY of many rows, its triggers and its indexes
    // take longer than that. Here the first COPY meets a row another session has inserted and not committed, so it
    // waits for that session, longer than the 1 s the connection string allows a command.
    [Test]
    public void Copy_WaitsOutAStatementLongerThanTheCommandTimeout_InsteadOfGivingUp()
    {
        using var workspace = new TestWorkspace();
        var readers = LedgerSeed.Readers(workspace, 2);
        using var sqlite = new Database(workspace.DatabasePath);
        new TokenStore(sqlite, new ServerSecretStore(sqlite)).LongLived(readers[0], TokenStore.Manage, LedgerSeed.PlannedAt);
        (string Name, string Value) key;
        using (var connection = sqlite.Connect()) key = connection.QuerySingle<(string, string)>("SELECT name, value FROM server_secrets ORDER BY name LIMIT 1");
        var secret = key.Name;
        using var empty = new EmptyPostgresDatabase();
        using (var migrated = Database.Postgres(empty.ConnectionString)) new Migrator(migrated, NullLogger<Migrator>.Instance, TimeProvider.System).Migrate();
        using var blocker = new NpgsqlConnection(empty.ConnectionString);
        blocker.Open();
        var uncommitted = blocker.BeginTransaction();
        blocker.Execute("INSERT INTO server_secrets (name, value, created_at) VALUES (@secret, 'another session', now())", new { secret }, uncommitted);

        var copy = Task.Run(() => NewsletterProcess.Run(Settings(workspace), "storage", "copy", "--to", empty.ConnectionString + ";Command Timeout=1"));
        using (var watcher = new NpgsqlConnection(empty.ConnectionString))
        {
            watcher.Open();
            var deadline = DateTime.UtcNow.AddMinutes(2);
            // Held until the copy has waited twice its timeout (or has given up, which is the bug).
            while (!copy.IsCompleted && DateTime.UtcNow < deadline && watcher.ExecuteScalar<long>(
                       "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND now() - query_start > interval '2 seconds'") == 0)
                Thread.Sleep(50);
        }
        uncommitted.Rollback();
        var result = copy.Result;

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output + result.Error);
        Assert.That(result.Output, Does.Contain("every count matches"));
        using var postgres = Database.Postgres(empty.ConnectionString);
        using var copied = postgres.Connect();
        Assert.That(copied.ExecuteScalar<string>("SELECT value FROM server_secrets WHERE name = @secret", new { secret }), Is.EqualTo(key.Value),
            "the copied row, not the other session's");
    }

    // The bug: `storage copy` of 100,000 readers stalled in COPY subscribers (over 4 minutes, still running): each
    // copied row ran the rollup triggers, which update the same counter rows (reader_states, reader_days,
    // topic_readers, delivery_days) again and again inside the copy's one transaction, where PostgreSQL keeps every
    // version of a row and each update walks them all. The copy brings the rollups' own rows from the source, so
    // no row trigger runs while it copies (a counting trigger stands for them here), and all run again afterwards.
    [Test]
    public void Copy_RunsNoRowTriggersWhileCopying_AndLeavesThemOnAfterwards()
    {
        using var workspace = new TestWorkspace();
        LedgerSeed.Readers(workspace, 3);
        using var empty = new EmptyPostgresDatabase();
        using var postgres = Database.Postgres(empty.ConnectionString);
        new Migrator(postgres, NullLogger<Migrator>.Instance, TimeProvider.System).Migrate();
        using (var connection = postgres.Connect())
            connection.Execute("""
                CREATE SEQUENCE row_trigger_calls;
                CREATE FUNCTION count_row_trigger_call() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN PERFORM nextval('row_trigger_calls'); RETURN NULL; END $$;
                CREATE TRIGGER count_subscribers AFTER INSERT ON subscribers FOR EACH ROW EXECUTE FUNCTION count_row_trigger_call();
                CREATE TRIGGER count_deliveries AFTER INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION count_row_trigger_call();
                """);

        var copy = NewsletterProcess.Run(Settings(workspace), "storage", "copy", "--to", empty.ConnectionString);

        Assert.That(copy.ExitCode, Is.EqualTo(0), copy.Output + copy.Error);
        using var copied = postgres.Connect();
        Assert.That(copied.ExecuteScalar<bool>("SELECT is_called FROM row_trigger_calls"), Is.False, "no row trigger ran during the copy");
        using var sqlite = new Database(workspace.DatabasePath);
        Assert.That(ReaderStates(postgres), Is.EqualTo(ReaderStates(sqlite)), "the rollups are the source's");
        new SubscriberStore(postgres).EnsureExists("later@example.org", new SubscriptionRequest(), LedgerSeed.PlannedAt);
        Assert.That(copied.ExecuteScalar<long>("SELECT sum(readers) FROM reader_states WHERE state = 'pending'"),
            Is.EqualTo(ReaderStates(sqlite).GetValueOrDefault("pending") + 1), "the rollup triggers run again after the copy");
        Assert.That(copied.ExecuteScalar<long>("SELECT last_value FROM row_trigger_calls"), Is.EqualTo(1), "and so does every other trigger");
    }

    [Test]
    public void Copy_RefusesAnUnreadableConnectionString_NamingTheOption()
    {
        using var workspace = new TestWorkspace();
        LedgerSeed.Migrated(workspace.DatabasePath).Dispose();

        var result = NewsletterProcess.Run(Settings(workspace), "storage", "copy", "--to", "Port=5432");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--to").And.Contain("Host"));
    }

    [TestCase(StorageProviders.Sqlite)]
    [TestCase(StorageProviders.Postgres)]
    public void EveryTableTheMigrationsMake_IsCopied_OrSaysWhyNot(string provider)
    {
        using var database = new ProviderDatabase(provider);

        var tables = StorageCopyStore.Tables(database.Database);

        Assert.That(tables, Has.Count.GreaterThan(20), "the schema is read");
        var unlisted = tables.Where(t => !StorageCopyStore.CopyOrder.Contains(t) && !StorageCopyStore.NotCopied.ContainsKey(t));
        Assert.That(unlisted, Is.Empty, "a table added by a migration joins StorageCopyStore.CopyOrder (or NotCopied, with the reason)");
        Assert.That(StorageCopyStore.CopyOrder.Except(tables), Is.Empty, "every table the copy moves exists");
    }

    private static Dictionary<string, string> Settings(TestWorkspace workspace) => new() { ["Storage:Database"] = workspace.DatabasePath };

    private static Dictionary<string, long> ReaderStates(Database database)
    {
        using var connection = database.Connect();
        return connection.Query<(string State, long Readers)>("SELECT state, CAST(sum(readers) AS bigint) FROM reader_states GROUP BY state").ToDictionary(r => r.State, r => r.Readers);
    }

    private static List<string> LedgerRows(Database database)
    {
        using var connection = database.Connect();
        return connection.Query<(long Id, long Subscriber, string Period, string State, DateTimeOffset Created, string Items)>(
            "SELECT id, subscriber_id, period_key, state, created_at, items_json FROM deliveries ORDER BY id")
            .Select(r => $"{r.Id} {r.Subscriber} {r.Period} {r.State} {r.Created.ToUniversalTime():O} {r.Items}").ToList();
    }
}
