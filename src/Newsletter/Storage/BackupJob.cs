using System.Globalization;
using Microsoft.Extensions.Options;

namespace Newsletter.Storage;

/// <summary>
/// The scheduled backup (<c>Storage:BackupCron</c>): a copy named by its UTC time in <c>Storage:BackupDirectory</c>,
/// then only the newest <c>Storage:BackupKeep</c> of those copies are kept. Run twice in the same second, the second
/// run finds its file there and writes nothing.
/// </summary>
public sealed class BackupJob(BackupStore backups, IOptions<StorageOptions> options, IHostEnvironment environment, TimeProvider clock, ILogger<BackupJob> logger)
{
    public const string Id = "backup";

    private const string Prefix = "newsletter-", Suffix = ".db";

    /// <summary>The folder scheduled backups go to.</summary>
    public string Folder => Database.ResolvePath(options.Value.BackupDirectory, environment.ContentRootPath);

    public void Run()
    {
        var name = Prefix + clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + Suffix;
        var path = Path.Combine(Folder, name);
        if (File.Exists(path)) return;
        var record = backups.Write(path);
        logger.LogInformation("Backup written to {Path} ({Bytes} bytes)", record.Path, record.Bytes);
        // Names sort by time; only this job's own files are ever removed.
        foreach (var old in Directory.EnumerateFiles(Folder, Prefix + "*" + Suffix).Order(StringComparer.Ordinal).Reverse().Skip(options.Value.BackupKeep))
        {
            File.Delete(old);
            logger.LogInformation("Old backup {Path} deleted (Storage:BackupKeep is {Keep})", old, options.Value.BackupKeep);
        }
    }
}
