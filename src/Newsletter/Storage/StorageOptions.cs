namespace Newsletter.Storage;

/// <summary>The <c>Storage</c> config section: where the SQLite file lives and how it is backed up.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

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
        if (string.IsNullOrWhiteSpace(Database)) yield return $"{s}:Database must name a file";
        if (BusyTimeoutMs is < 0 or > 600_000) yield return $"{s}:BusyTimeoutMs must be between 0 and 600000";
        if (!string.IsNullOrWhiteSpace(BackupCron) && BackupCron.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is not (5 or 6))
            yield return $"{s}:BackupCron must be a cron expression (5 or 6 fields) or empty for no scheduled backup";
        if (string.IsNullOrWhiteSpace(BackupDirectory)) yield return $"{s}:BackupDirectory must name a folder";
        if (BackupKeep is < 1 or > 1000) yield return $"{s}:BackupKeep must be between 1 and 1000";
    }
}
