using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Newsletter.Storage;

/// <summary>
/// Opens connections to the service's database: one SQLite file (WAL, set once by <see cref="Migrator"/>; busy
/// timeout and foreign keys on every connection), or with <c>Storage:Provider</c> = <c>postgres</c> one PostgreSQL
/// database through a pooled <see cref="NpgsqlDataSource"/>. Stores write portable SQL where the two agree and hold
/// both texts side by side, chosen with <see cref="Dialect"/>, where they differ.
/// </summary>
public sealed class Database : IDisposable
{
    private readonly string _connectionString = "";
    private readonly int _busyTimeoutMs;
    private readonly NpgsqlDataSource? _postgres;

    public Database(IOptions<StorageOptions> options, IHostEnvironment environment)
        : this(options.Value, environment.ContentRootPath)
    {
    }

    private Database(StorageOptions options, string contentRoot)
    {
        Provider = options.Provider;
        _busyTimeoutMs = options.BusyTimeoutMs;
        if (Provider == StorageProviders.Postgres)
        {
            FilePath = "";
            _postgres = NpgsqlDataSource.Create(options.ConnectionString);
            return;
        }
        FilePath = ResolvePath(options.Database, contentRoot);
        _connectionString = SqliteConnectionString(FilePath, _busyTimeoutMs);
    }

    public Database(string path, int busyTimeoutMs = 5000)
    {
        Provider = StorageProviders.Sqlite;
        FilePath = path;
        _busyTimeoutMs = busyTimeoutMs;
        _connectionString = SqliteConnectionString(path, busyTimeoutMs);
    }

    /// <summary>A database on PostgreSQL (the same as <c>Storage:Provider</c> = <c>postgres</c>).</summary>
    public static Database Postgres(string connectionString) =>
        new(new StorageOptions { Provider = StorageProviders.Postgres, ConnectionString = connectionString }, ".");

    /// <summary><see cref="StorageProviders.Sqlite"/> or <see cref="StorageProviders.Postgres"/>.</summary>
    public string Provider { get; }

    /// <summary>True on PostgreSQL.</summary>
    public bool IsPostgres => _postgres is not null;

    /// <summary>Absolute path of the SQLite file; empty on PostgreSQL.</summary>
    public string FilePath { get; }

    /// <summary>A short name for messages: the SQLite file's path, or PostgreSQL's host and database.</summary>
    public string Describe()
    {
        if (_postgres is null) return FilePath;
        var builder = new NpgsqlConnectionStringBuilder(_postgres.ConnectionString);
        return $"PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port}";
    }

    /// <summary>The SQL text for this provider, where the two dialects differ; both sit side by side in the store.</summary>
    public string Dialect(string sqlite, string postgres) => _postgres is null ? sqlite : postgres;

    /// <summary>
    /// A list as one parameter: on SQLite a JSON array the statement reads with <c>json_each</c>, so it is one short
    /// text whatever the length (Dapper's expansion gave a placeholder per value, each prepared and bound by name);
    /// on PostgreSQL an array for <c>= ANY</c>.
    /// </summary>
    public object List(IReadOnlyCollection<long> values)
    {
        if (_postgres is not null) return values.ToArray();
        var json = new StringBuilder(values.Count * 8 + 2).Append('[');
        foreach (var value in values) json.Append(CultureInfo.InvariantCulture, $"{(json.Length > 1 ? "," : "")}{value}");
        return json.Append(']').ToString();
    }

    /// <summary><see cref="List(IReadOnlyCollection{long})"/> for texts.</summary>
    public object List(IReadOnlyCollection<string> values)
    {
        if (_postgres is not null) return values.ToArray();
        var json = new StringBuilder(values.Sum(v => v.Length + 3) + 2).Append('[');
        foreach (var value in values)
        {
            if (json.Length > 1) json.Append(',');
            // Hashes and keys need no escaping: copied as they are; anything else goes through the serializer.
            if (value.AsSpan().ContainsAny(NeedsEscape)) json.Append(JsonSerializer.Serialize(value));
            else json.Append('"').Append(value).Append('"');
        }
        return json.Append(']').ToString();
    }

    // What a JSON string cannot hold as it is: quotes, backslashes, control characters.
    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create(['"', '\\', .. Enumerable.Range(0, 32).Select(c => (char)c)]);

    /// <summary>Opens a new connection on either provider; callers dispose it when their operation ends.</summary>
    public DbConnection Connect() => _postgres is null ? Open() : _postgres.OpenConnection();

    /// <summary>
    /// Opens a new SQLite connection, for the stores that still use SQLite's own command types (prepared statements
    /// reused across a batch, FTS5). On PostgreSQL they are not yet ported: this says so instead of writing a file.
    /// </summary>
    public SqliteConnection Open()
    {
        if (_postgres is not null)
            throw new NotSupportedException("this part of the service does not run on PostgreSQL yet (Storage:Provider = postgres)");
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

    public void Dispose() => _postgres?.Dispose();

    private static string SqliteConnectionString(string path, int busyTimeoutMs) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        ForeignKeys = true,
        DefaultTimeout = Math.Max(1, busyTimeoutMs / 1000),
    }.ToString();
}
