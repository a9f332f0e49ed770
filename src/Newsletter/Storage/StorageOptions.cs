namespace Newsletter.Storage;

/// <summary>The <c>Storage</c> config section: which database (one SQLite file, or PostgreSQL), and how a file is backed up.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>sqlite</c> (one file, zero setup) or <c>postgres</c> (several nodes sharing one database).</summary>
    public string Provider { get; set; } = StorageProviders.Sqlite;

    /// <summary>The Npgsql connection string; required with <c>postgres</c>, unused with <c>sqlite</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Path of the SQLite database file, relative to the content root unless absolute.</summary>
    public string Database { get; set; } = "data/newsletter.db";

    /// <summary>How long a connection waits for a write lock before failing, in milliseconds.</summary>
    public int BusyTimeoutMs { get; set; } = 5000;

    /// <summary>Cron expression (UTC) of the scheduled backup; empty turns it off.</summary>
    public string BackupCron { get; set; } = "30 3 * * *";

    /// <summary>Where scheduled backups go, relative to the content root unless absolute.</summary>
    public string BackupDirectory { get; set; } = "data/backups";

    /// <summary>How many scheduled backups are kept (the newest); older ones are deleted after each new one.</summary>
    public int BackupKeep { get; set; } = 7;

    /// <summary>Each bad setting as one line naming its key; none when all are usable. Checked at start.</summary>
    public IEnumerable<string> Problems()
    {
        const string s = StorageOptions.Section;
        if (Provider is not (StorageProviders.Sqlite or StorageProviders.Postgres))
            yield return $"{s}:Provider must be '{StorageProviders.Sqlite}' or '{StorageProviders.Postgres}'";
        if (Provider == StorageProviders.Postgres && ConnectionStringProblem() is { } problem) yield return $"{s}:ConnectionString {problem}";
        if (string.IsNullOrWhiteSpace(Database)) yield return $"{s}:Database must name a file";
        if (BusyTimeoutMs is < 0 or > 600_000) yield return $"{s}:BusyTimeoutMs must be between 0 and 600000";
        if (!string.IsNullOrWhiteSpace(BackupCron) && BackupCron.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is not (5 or 6))
            yield return $"{s}:BackupCron must be a cron expression (5 or 6 fields) or empty for no scheduled backup";
        if (string.IsNullOrWhiteSpace(BackupDirectory)) yield return $"{s}:BackupDirectory must name a folder";
        if (BackupKeep is < 1 or > 1000) yield return $"{s}:BackupKeep must be between 1 and 1000";
    }

    private string? ConnectionStringProblem()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString)) return "is required when Storage:Provider is 'postgres'";
        try
        {
            var parsed = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
            return string.IsNullOrWhiteSpace(parsed.Host) ? "must name a Host" : null;
        }
        catch (ArgumentException e)
        {
            return $"cannot be read: {e.Message}";
        }
    }
}
