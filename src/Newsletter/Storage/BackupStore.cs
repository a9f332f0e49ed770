using Dapper;

namespace Newsletter.Storage;

/// <summary>
/// Consistent copies of the database while the service runs (<c>VACUUM INTO</c>: one read transaction, so writers go
/// on and the copy is the database as of one moment, compacted, keys and secrets included), and the record of each.
/// </summary>
public sealed class BackupStore(Database database, TimeProvider clock)
{
    /// <summary>
    /// Writes the copy to <paramref name="path"/> (which must not exist yet; its folder is created) and records it.
    /// The copy is written beside its final name and renamed, so a half-written file never carries the name.
    /// SQLite only: on PostgreSQL it throws <see cref="NotSupportedException"/> saying to use pg_dump.
    /// </summary>
    public BackupRecord Write(string path)
    {
        if (database.IsPostgres)
            throw new NotSupportedException("the database is PostgreSQL: back it up with pg_dump (see README, Running on several machines)");
        var target = System.IO.Path.GetFullPath(path);
        if (File.Exists(target)) throw new IOException($"{target} exists already; a backup never overwrites a file");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
        var partial = target + ".partial";
        File.Delete(partial);
        // To the millisecond, as the database keeps times, so the record returned equals the one read back.
        var now = clock.GetUtcNow();
        var takenAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        using (var connection = database.Open())
            connection.Execute("VACUUM INTO @partial", new { partial });
        File.Move(partial, target);
        var record = new BackupRecord { TakenAt = takenAt, Path = target, Bytes = new FileInfo(target).Length };
        using (var connection = database.Open())
            connection.Execute("INSERT INTO backups (taken_at, path, bytes) VALUES (@TakenAt, @Path, @Bytes)", record);
        return record;
    }

    /// <summary>The newest backup recorded, or null when none was ever taken.</summary>
    public BackupRecord? Last()
    {
        using var connection = database.Connect();
        return connection.QuerySingleOrDefault<BackupRecord>(
            "SELECT taken_at AS TakenAt, path AS Path, bytes AS Bytes FROM backups ORDER BY id DESC LIMIT 1");
    }
}
