using System.Data.Common;
using System.Reflection;
using Dapper;
using Newsletter.Foundation;

namespace Newsletter.Storage;

/// <summary>
/// Applies the numbered SQL files under Storage/Migrations (SQLite) or Storage/Migrations/Postgres (PostgreSQL,
/// numbered alike) in order, each once, recording them in <c>schema_version</c>. Order is important: add new
/// migrations at the end, never edit a released one. On PostgreSQL the whole run holds an advisory lock, so nodes
/// starting at once migrate once: the first applies, the others wait and then find nothing left to do.
/// </summary>
public sealed class Migrator(Database database, ILogger<Migrator> logger, TimeProvider clock)
{
    private const string ResourcePrefix = "Newsletter.Storage.Migrations.";
    private const string PostgresPrefix = ResourcePrefix + "Postgres.";

    // Any fixed number both sides agree on; it names this service's migration lock among the database's advisory locks.
    private const long MigrationLock = 0x4E65_7773_6C65_7474;

    /// <summary>The SQLite migrations shipped in this build, ordered by version.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Shipped() => Shipped(StorageProviders.Sqlite);

    /// <summary>The migrations shipped in this build for one provider, ordered by version.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Shipped(string provider)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = provider == StorageProviders.Postgres ? PostgresPrefix : ResourcePrefix;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => (Resource: name, FileName: name[prefix.Length..^".sql".Length]))
            // The SQLite prefix also starts every PostgreSQL file's name: those have a folder left in theirs.
            .Where(m => !m.FileName.Contains('.', StringComparison.Ordinal))
            .Select(m =>
            {
                var version = int.Parse(m.FileName.Split('_', 2)[0], System.Globalization.CultureInfo.InvariantCulture);
                return (version, m.FileName, Read(assembly, m.Resource));
            })
            .OrderBy(m => m.version)
            .ToList();
    }

    /// <summary>Creates the database (SQLite: its folder and file) if needed and applies every migration not yet applied.</summary>
    /// <returns>The versions applied by this call.</returns>
    public IReadOnlyList<int> Migrate() => Migrate(Shipped(database.Provider));

    /// <summary>Applies the given migrations (ordered by version) that are not yet recorded.</summary>
    internal IReadOnlyList<int> Migrate(IReadOnlyList<(int Version, string Name, string Sql)> migrations)
    {
        if (database.IsPostgres) return MigratePostgres(migrations);
        var folder = Path.GetDirectoryName(database.FilePath);
        try
        {
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            using var probe = database.Open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            throw new ConfigurationException($"{StorageOptions.Section}:Database",
                $"cannot open the database file '{database.FilePath}': {e.Message}");
        }

        using var connection = database.Open();
        // Write-ahead logging lets the web pages read while jobs write. It is stored in the file, so once is enough
        // (a copy of the file keeps it); it cannot change inside a transaction, so it goes first.
        connection.Execute("PRAGMA journal_mode = WAL");
        connection.Execute("""
            CREATE TABLE IF NOT EXISTS schema_version (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """);
        return Apply(connection, migrations);
    }

    private List<int> MigratePostgres(IReadOnlyList<(int Version, string Name, string Sql)> migrations)
    {
        DbConnection connection;
        try
        {
            connection = database.Connect();
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
        {
            throw new ConfigurationException($"{StorageOptions.Section}:ConnectionString",
                $"cannot open the {database.Describe()}: {e.Message}");
        }
        using (connection)
        {
            // A session lock, held across the per-migration transactions and released when this connection goes
            // back to the pool (Npgsql discards session state then) even if a migration throws.
            connection.Execute("SELECT pg_advisory_lock(@MigrationLock)", new { MigrationLock });
            try
            {
                connection.Execute("""
                    CREATE TABLE IF NOT EXISTS schema_version (
                        version    integer PRIMARY KEY,
                        name       text NOT NULL,
                        applied_at timestamptz NOT NULL
                    )
                    """);
                return Apply(connection, migrations);
            }
            finally
            {
                connection.Execute("SELECT pg_advisory_unlock(@MigrationLock)", new { MigrationLock });
            }
        }
    }

    private List<int> Apply(DbConnection connection, IReadOnlyList<(int Version, string Name, string Sql)> migrations)
    {
        var applied = connection.Query<int>("SELECT version FROM schema_version").ToHashSet();
        var done = new List<int>();
        foreach (var (version, name, sql) in migrations)
        {
            if (applied.Contains(version)) continue;
            using var transaction = connection.BeginTransaction();
            connection.Execute(sql, transaction: transaction);
            connection.Execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, @appliedAt)",
                new { version, name, appliedAt = clock.GetUtcNow() }, transaction);
            transaction.Commit();
            logger.LogInformation("Applied migration {Name}", name);
            done.Add(version);
        }
        return done;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
