using System.CommandLine;
using Newsletter.Foundation;

namespace Newsletter.Storage;

/// <summary><c>storage backup &lt;file&gt;</c>: writes a consistent copy of the database, also while the service runs.</summary>
public static class StorageCommand
{
    public static Command Create(AppServices host)
    {
        var file = new Argument<string>("file") { Description = "Where the copy goes (a new file; its folder is created)" };
        var backup = new Command("backup", "Write a consistent copy of the database (readers, ledger, keys and secrets) to a new file; the service may keep running") { file };
        backup.SetAction(async result =>
        {
            var path = result.GetValue(file)!;
            try
            {
                var record = host.Get<BackupStore>().Write(path);
                Console.WriteLine($"storage backup: {record.Path} ({record.Bytes:#,0} bytes)");
                return 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or Microsoft.Data.Sqlite.SqliteException)
            {
                await Console.Error.WriteLineAsync($"newsletter: cannot back up to {path}: {e.Message}");
                return ExitCodes.Failed;
            }
        });
        return new Command("storage", "The database file") { backup };
    }
}
