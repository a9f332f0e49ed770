using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Newsletter.Storage;

/// <summary>Opens connections to the service's single SQLite file: WAL (set once, see <see cref="Migrator"/>), busy timeout and foreign keys on every one.</summary>
public sealed class Database
{
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;

    public Database(IOptions<StorageOptions> options, IHostEnvironment environment)
        : this(ResolvePath(options.Value.Database, environment.ContentRootPath), options.Value.BusyTimeoutMs)
    {
    }

    public Database(string path, int busyTimeoutMs = 5000)
    {
        FilePath = path;
        _busyTimeoutMs = busyTimeoutMs;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = Math.Max(1, busyTimeoutMs / 1000),
        }.ToString();
    }

    /// <summary>Absolute path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>Opens a new connection; callers dispose it when their operation ends.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        // journal_mode = WAL is a property of the file, set once by the migrator; these two belong to the connection.
        command.CommandText = $"PRAGMA busy_timeout = {_busyTimeoutMs}; PRAGMA synchronous = NORMAL;";
        command.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Resolves a configured database path against the content root.</summary>
    public static string ResolvePath(string configured, string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(configured) ? configured : Path.Combine(contentRoot, configured));
}
