using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Storage;

namespace Newsletter.Tests.Support;

/// <summary>
/// Debian's PostgreSQL 15 as a throwaway server: initdb and pg_ctl in a temp folder, a free loopback port, run as a
/// non-root user (postgres, else nobody, when the tests run as root). Started on first use, once per run, and
/// stopped and deleted by <see cref="PostgresLifetime"/>. A template database is migrated once; each test takes a
/// copy of it (<c>CREATE DATABASE … TEMPLATE</c>, a file copy: milliseconds), so tests never see each other's rows.
/// </summary>
public sealed class Postgres : IDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private const string Template = "newsletter_template";
    private static readonly Lazy<Postgres> SharedServer = new(() => new Postgres());
    private readonly string? _runAs;
    private int _databases;

    /// <summary>The server for this test run.</summary>
    public static Postgres Shared => SharedServer.Value;

    /// <summary>Stops the shared server if it was started, and deletes its folder.</summary>
    public static void StopShared()
    {
        if (SharedServer.IsValueCreated) SharedServer.Value.Dispose();
    }

    private Postgres()
    {
        if (!File.Exists(Path.Combine(Bin, "pg_ctl")))
            Assert.Fail("PostgreSQL 15 is not installed: run tests/run.sh, which installs it");
        Folder = Path.Combine(Path.GetTempPath(), "newsletter-tests", "postgres-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder);
        if (Environment.UserName == "root")
        {
            _runAs = Run("id", ["-u", "postgres"], check: false).Length > 0 ? "postgres" : "nobody";
            Run("chown", [_runAs, Folder]);
        }
        Port = FreePort();
        var data = Path.Combine(Folder, "data");
        RunAsServer(Path.Combine(Bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
        // Durability is worth nothing for a server deleted at the end of the run; skipping it keeps the tests fast.
        var options = $"-p {Port} -k {Folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        RunAsServer(Path.Combine(Bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(Folder, "server.log"), "-o", options, "-w", "-t", "60", "start"]);

        Admin($"CREATE DATABASE {Template}");
        using (var template = Database.Postgres(ConnectionString(Template)))
            new Migrator(template, NullLogger<Migrator>.Instance, TimeProvider.System).Migrate();
        // The template must have no open connection while it is copied.
        NpgsqlConnection.ClearAllPools();
    }

    public string Folder { get; }
    public int Port { get; }

    /// <summary>A connection string for one database of this server.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Include Error Detail=true";

    /// <summary>A new empty database (no tables), for tests of the migrations themselves.</summary>
    public string CreateEmptyDatabase()
    {
        var name = $"empty_{Interlocked.Increment(ref _databases)}";
        Admin($"CREATE DATABASE {name}");
        return ConnectionString(name);
    }

    /// <summary>A new database with every migration applied, copied from the migrated template.</summary>
    public string CreateMigratedDatabase()
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}";
        Admin($"CREATE DATABASE {name} TEMPLATE {Template}");
        return ConnectionString(name);
    }

    /// <summary>Drops a database made by this server, closing whatever still uses it.</summary>
    public void Drop(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        Admin($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        try { RunAsServer(Path.Combine(Bin, "pg_ctl"), ["-D", Path.Combine(Folder, "data"), "-m", "immediate", "-w", "stop"]); }
        catch (InvalidOperationException) { }
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private void Admin(string sql)
    {
        // Database names here are made by this class, never taken from a test's input.
        using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private void RunAsServer(string executable, string[] arguments)
    {
        if (_runAs is null) Run(executable, arguments);
        else Run("runuser", ["-u", _runAs, "--", executable, .. arguments]);
    }

    private static string Run(string executable, string[] arguments, bool check = true)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(executable)} {string.Join(' ', arguments)} exited {process.ExitCode}: {error}");
        return process.ExitCode == 0 ? output.Result.Trim() : "";
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
