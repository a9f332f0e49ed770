using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Storage;

namespace Newsletter.Tests.Support;

/// <summary>
/// A fresh, migrated database of either provider for one test: a SQLite file in its own folder, or a copy of the
/// shared PostgreSQL server's migrated template. Store fixtures take the provider as their fixture argument
/// (<c>[TestFixture("sqlite")] [TestFixture("postgres")]</c>) so the same cases run on both.
/// </summary>
public sealed class ProviderDatabase : IDisposable
{
    private readonly TestWorkspace? _workspace;
    private readonly string? _postgres;

    public ProviderDatabase(string provider)
    {
        UtcTimestampHandler.Register();
        if (provider == StorageProviders.Postgres)
        {
            _postgres = Postgres.Shared.CreateMigratedDatabase();
            Database = Database.Postgres(_postgres);
            return;
        }
        _workspace = new TestWorkspace();
        Database = new Database(_workspace.DatabasePath);
        new Migrator(Database, NullLogger<Migrator>.Instance, TimeProvider.System).Migrate();
    }

    public Database Database { get; }

    /// <summary>Another <see cref="Newsletter.Storage.Database"/> on the same database: a second node, with its own connections.</summary>
    public Database OpenSecondNode() => _postgres is null ? new Database(Database.FilePath) : Database.Postgres(_postgres);

    /// <summary>The settings that point the service at this database (for a host or the real executable).</summary>
    public IReadOnlyDictionary<string, string?> Settings => _postgres is null
        ? new Dictionary<string, string?> { ["Storage:Database"] = Database.FilePath }
        : new Dictionary<string, string?> { ["Storage:Provider"] = StorageProviders.Postgres, ["Storage:ConnectionString"] = _postgres };

    public void Dispose()
    {
        Database.Dispose();
        if (_postgres is not null) Postgres.Shared.Drop(_postgres);
        _workspace?.Dispose();
    }
}
