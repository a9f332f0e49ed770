using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Npgsql;

namespace Newsletter.Benchmarks.Harness;

/// <summary>
/// Debian's PostgreSQL 15 as a throwaway server for the PostgreSQL scenarios (issue 17), as the tests start theirs
/// (tests/Newsletter.Tests/Support/Postgres.cs): initdb in a temporary folder, a free loopback port, run as a
/// non-root user (postgres, else nobody) when the run is root. Unlike the tests' server it keeps PostgreSQL's own
/// defaults for durability (fsync, synchronous_commit, full_page_writes on): what an operator's server does, and
/// what each commit then costs. One server per scenario; each measurement gets a database of its own. Stopped and
/// deleted on <see cref="Dispose"/>, and on Ctrl+C or SIGTERM.
/// </summary>
public sealed class BenchPostgres : IDisposable
{
    /// <summary>Where tests/install-deps.sh (postgres) puts the server binaries.</summary>
    public const string Bin = "/usr/lib/postgresql/15/bin";

    private readonly string? _runAs;
    private readonly PosixSignalRegistration[] _signals;
    private int _stopped;

    private BenchPostgres(string work, bool statements)
    {
        Statements = statements;
        Folder = Path.Combine(ServerCanReach(work) ? work : Path.GetTempPath(), "newsletter-bench-postgres-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder);
        // Stopped however the run ends, like the children ChildProcesses tracks (the server runs detached).
        _signals = [PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Stop()), PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Stop())];
        if (Environment.UserName == "root")
        {
            _runAs = Run("id", ["-u", "postgres"], check: false).Length > 0 ? "postgres" : "nobody";
            Run("chown", [_runAs, Folder]);
        }
        Port = FreePort();
        var data = Path.Combine(Folder, "data");
        RunAsServer(Path.Combine(Bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
        // Two nodes of four SMTP workers each, their planners and a web node's pool stay well under 200 connections.
        var options = $"-p {Port} -k {Folder} -c listen_addresses=127.0.0.1 -c max_connections=200" +
                      (statements ? " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" : "");
        RunAsServer(Path.Combine(Bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(Folder, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
        ServerPid = int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        Version = Scalar("postgres", "SHOW server_version");
        SharedBuffers = Scalar("postgres", "SHOW shared_buffers");
    }

    /// <summary>Starts a server; null, with the reason on standard error, when PostgreSQL 15 is not installed.</summary>
    public static BenchPostgres? TryStart(BenchOptions options, string scenario)
    {
        if (File.Exists(Path.Combine(Bin, "pg_ctl"))) return new BenchPostgres(options.Work, options.PgStatements);
        Console.Error.WriteLine($"{scenario}: skipped (PostgreSQL 15 is not installed: tests/bench.sh installs it through tests/install-deps.sh postgres)");
        return null;
    }

    public string Folder { get; }
    public int Port { get; }

    /// <summary>The postmaster: its process and its children are the server.</summary>
    public int ServerPid { get; }

    /// <summary>For the result lines, e.g. "15.14 (Debian 15.14-0+deb12u1)".</summary>
    public string Version { get; }

    public string SharedBuffers { get; }

    /// <summary>Whether the server loads pg_stat_statements (<c>--pg-statements</c>).</summary>
    public bool Statements { get; }

    /// <summary>With <c>--pg-statements</c>, forgets what a database's statements cost so far (before a measured run).</summary>
    public void ResetStatements(string database)
    {
        if (!Statements) return;
        Execute(database, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        Execute(database, "SELECT pg_stat_statements_reset()");
    }

    /// <summary>With <c>--pg-statements</c>, the statements that took the server longest since the reset, one line each.</summary>
    public IReadOnlyList<string> CostliestStatements(string database, int count = 12)
    {
        if (!Statements) return [];
        using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand(
            $"SELECT calls, total_exec_time, rows, regexp_replace(query, '[[:space:]]+', ' ', 'g') FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT {count}", connection);
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
            lines.Add($"{reader.GetDouble(1) / 1000,8:0.00} s {reader.GetInt64(0),9:N0} calls {reader.GetInt64(2),9:N0} rows  {reader.GetString(3)[..Math.Min(160, reader.GetString(3).Length)]}");
        return lines;
    }

    /// <summary>What the result lines say about the server.</summary>
    public string Describe() => $"PostgreSQL {Version.Split(' ')[0]}, default durability, shared_buffers {SharedBuffers}";

    /// <summary>CPU seconds the server has used so far: the postmaster and all its backends, ended ones included.</summary>
    public double CpuSeconds() => ProcessCpu.TreeSeconds(ServerPid) ?? 0;

    /// <summary>A connection string for one database of this server (trust authentication on loopback).</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    /// <summary>Creates a database, empty or as a copy of <paramref name="template"/> (a file copy: seconds even for millions of rows).</summary>
    public string CreateDatabase(string name, string? template = null)
    {
        Execute("postgres", template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}");
        return name;
    }

    /// <summary>Drops a database, ending whatever still uses it.</summary>
    public void Drop(string name)
    {
        NpgsqlConnection.ClearAllPools();
        Execute("postgres", $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    /// <summary>
    /// Moves a prepared SQLite database into an empty one of this server the way an operator does: the real
    /// executable's <c>storage copy --to</c> verb. Returns the seconds it took; throws with its output if it failed.
    /// </summary>
    public async Task<double> CopyFromSqliteAsync(BenchOptions options, string sqlitePath, string database)
    {
        var environment = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "sqlite",
            ["Storage__Database"] = sqlitePath,
            ["Jobs__Server"] = "false",
            ["Templates__Path"] = Path.Combine(options.Repo, "templates"),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var outcome = await ChildProcesses.RunAsync("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "Newsletter.dll"), "storage", "copy", "--to", ConnectionString(database)],
            TimeSpan.FromHours(1), environment, workingDirectory: options.Repo);
        if (outcome.ExitCode != 0)
            throw new InvalidOperationException($"storage copy exited {outcome.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "(stopped)"}: {outcome.Output} {outcome.ErrorTail}");
        return outcome.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// VACUUM (ANALYZE) after a bulk load, as PostgreSQL's documentation asks after a restore: statistics for the
    /// query planner and the visibility map, so the first measured run does not pay for them (autovacuum would, a
    /// minute later, in the middle of it).
    /// </summary>
    public void VacuumAnalyze(string database) => Execute(database, "VACUUM (ANALYZE)");

    /// <summary>Runs one scalar query on a database of this server.</summary>
    public long Count(string database, string sql) => long.Parse(Scalar(database, sql), CultureInfo.InvariantCulture);

    private string Scalar(string database, string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    private void Execute(string database, string sql)
    {
        // Database names here are the scenarios' own constants, never input.
        using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        Stop();
        foreach (var signal in _signals) signal.Dispose();
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        NpgsqlConnection.ClearAllPools();
        try { RunAsServer(Path.Combine(Bin, "pg_ctl"), ["-D", Path.Combine(Folder, "data"), "-m", "immediate", "-w", "stop"]); }
        catch (InvalidOperationException) { }
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
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

    /// <summary>
    /// Whether the server's user can reach a folder inside the run's work folder, which tests/bench.sh deletes
    /// however the run ends (a server folder left by a killed run goes with it). As root, the temporary folders above
    /// it (mktemp's are private) are opened for passing through, not for listing; anywhere else, nothing is changed.
    /// </summary>
    private static bool ServerCanReach(string work)
    {
        if (Environment.UserName != "root") return true;
        if (!OperatingSystem.IsLinux()) return false;
        var temp = Path.GetFullPath(Path.GetTempPath()).TrimEnd('/');
        var full = Path.GetFullPath(work);
        if (!full.StartsWith(temp + "/", StringComparison.Ordinal)) return false;
        for (var dir = new DirectoryInfo(full); dir is not null && dir.FullName.TrimEnd('/') != temp; dir = dir.Parent)
            if (dir.Exists) dir.UnixFileMode |= UnixFileMode.OtherExecute;
        return true;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
