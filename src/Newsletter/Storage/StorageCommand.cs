using System.CommandLine;
using Newsletter.Foundation;

namespace Newsletter.Storage;

/// <summary>
/// <c>storage backup &lt;file&gt;</c>: writes a consistent copy of the database, also while the service runs.
/// <c>storage copy --to &lt;connection string&gt;</c>: moves the SQLite database into an empty PostgreSQL one.
/// </summary>
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
        return new Command("storage", "The database") { backup, CopyCommand(host) };
    }

    private static Command CopyCommand(AppServices host)
    {
        var to = new Option<string>("--to") { Description = "The Npgsql connection string of an empty PostgreSQL database", Required = true };
        var copy = new Command("copy", "Copy every row of the SQLite database (Storage:Database) into an empty PostgreSQL database, in one transaction, and compare the counts") { to };
        copy.SetAction(async result =>
        {
            var problem = new StorageOptions { Provider = StorageProviders.Postgres, ConnectionString = result.GetValue(to)! }
                .Problems().FirstOrDefault(p => p.StartsWith($"{StorageOptions.Section}:ConnectionString", StringComparison.Ordinal));
            if (problem is not null)
            {
                await Console.Error.WriteLineAsync($"newsletter: storage copy --to: {problem[(StorageOptions.Section.Length + 18)..].Trim()}");
                return ExitCodes.UsageError;
            }
            var source = host.Get<Database>();
            if (source.IsPostgres)
            {
                await Console.Error.WriteLineAsync($"newsletter: storage copy reads the SQLite file of {StorageOptions.Section}:Database; run it with {StorageOptions.Section}:Provider = sqlite");
                return ExitCodes.Failed;
            }
            using var target = Database.Postgres(result.GetValue(to)!);
            try
            {
                new Migrator(target, host.Get<ILogger<Migrator>>(), host.Get<TimeProvider>()).Migrate();
                Console.WriteLine($"storage copy: {source.Describe()} → {target.Describe()}");
                var tables = host.Get<StorageCopyStore>().Copy(source, target);
                foreach (var table in tables)
                    Console.WriteLine($"  {table.Table,-22} {table.SourceRows,12:#,0} → {table.TargetRows,12:#,0}");
                Console.WriteLine($"storage copy: {tables.Count} tables, {tables.Sum(t => t.TargetRows):#,0} rows, every count matches");
                return 0;
            }
            catch (Exception e) when (e is StorageCopyRefusedException or Npgsql.NpgsqlException or ConfigurationException)
            {
                await Console.Error.WriteLineAsync($"newsletter: storage copy refused: {e.Message}");
                return ExitCodes.Failed;
            }
        });
        return copy;
    }
}
