using System.Reflection;
using Dapper;
using Newsletter.Foundation;

namespace Newsletter.Storage;

/// <summary>
/// Applies the numbered SQL files under Storage/Migrations in order, each once, recording them in
/// <c>schema_version</c>. Order is important: add new migrations at the end, never edit a released one.
/// </summary>
public sealed class Migrator(Database database, ILogger<Migrator> logger, TimeProvider? clock = null)
{
    private const string ResourcePrefix = "Newsletter.Storage.Migrations.";

    /// <summary>The migrations shipped in this build, ordered by version.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Shipped()
    {
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name =>
            {
                var fileName = name[ResourcePrefix.Length..^".sql".Length];
                var version = int.Parse(fileName.Split('_', 2)[0], System.Globalization.CultureInfo.InvariantCulture);
                return (version, fileName, Read(assembly, name));
            })
            .OrderBy(m => m.version)
            .ToList();
    }

    /// <summary>Creates the database folder and file if needed and applies every migration not yet applied.</summary>
    /// <returns>The versions applied by this call.</returns>
    public IReadOnlyList<int> Migrate() => Migrate(Shipped());

    /// <summary>Applies the given migrations (ordered by version) that are not yet recorded.</summary>
    internal IReadOnlyList<int> Migrate(IReadOnlyList<(int Version, string Name, string Sql)> migrations)
    {
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
        var applied = connection.Query<int>("SELECT version FROM schema_version").ToHashSet();
        var done = new List<int>();
        foreach (var (version, name, sql) in migrations)
        {
            if (applied.Contains(version)) continue;
            using var transaction = connection.BeginTransaction();
            connection.Execute(sql, transaction: transaction);
            connection.Execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, @appliedAt)",
                new { version, name, appliedAt = (clock ?? TimeProvider.System).GetUtcNow() }, transaction);
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
