using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Newsletter.Storage;

/// <summary>
/// Moves every row of a SQLite database into an empty, migrated PostgreSQL one (<c>storage copy</c>): one
/// transaction on each side, tables in dependency order, ids kept and identity sequences set past them, times read
/// as UTC text and written as <c>timestamptz</c>. The only writer of every table besides its own store, and only
/// into a database that holds nothing yet; the column lists come from the target's schema, never from input.
/// </summary>
public sealed class StorageCopyStore
{
    /// <summary>
    /// Every table that holds facts, parents before children, the rollups last (copied like the rest: no trigger
    /// runs during the copy). A table a migration
    /// adds must join this list or <see cref="NotCopied"/>: the copy refuses a schema holding any other.
    /// </summary>
    public static readonly IReadOnlyList<string> CopyOrder =
    [
        "server_secrets", "data_protection_keys",
        "listing_sources", "source_runs",
        "papers", "paper_changes", "paper_categories", "paper_sources",
        "subscribers", "subscriber_filters", "tokens", "confirmation_sends", "confirmations",
        "frozen_lists", "deliveries", "digest_archive_tokens", "bounce_events",
        "reader_marks", "reader_models", "reader_tastes",
        "digest_runs",
        "reader_states", "reader_days", "topic_readers", "delivery_days",
    ];

    /// <summary>SQLite tables that are not facts to move, each with the reason.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotCopied = new Dictionary<string, string>
    {
        ["schema_version"] = "each side's own migrations record it",
        ["sqlite_sequence"] = "SQLite's id counters; PostgreSQL's identity sequences are set past the copied ids",
        ["backups"] = "records of SQLite file backups; PostgreSQL is backed up with pg_dump",
        ["papers_fts"] = "SQLite's full-text index of papers; matching builds its own index in memory on PostgreSQL",
        ["papers_fts_data"] = "part of papers_fts",
        ["papers_fts_idx"] = "part of papers_fts",
        ["papers_fts_docsize"] = "part of papers_fts",
        ["papers_fts_config"] = "part of papers_fts",
        ["papers_fts_deferred"] = "papers_fts upkeep queue",
        ["send_budget"] = "sends counted in the current hour under Delivery:MessagesPerHour; a stopped service has none",
    };

    // A copy is one transaction an operator waits for: a time limit on its statements only throws away the work done
    // so far. Npgsql's default (30 s, or the connection string's Command Timeout) ended the copy of 100,000 readers.
    // 0: no limit.
    private const int NoTimeLimit = 0;

    // Tables whose rows a fresh migration writes itself (paper_changes: its one counter row); the source's replace them.
    private static readonly string[] WrittenByMigrations = ["paper_changes"];

    /// <summary>The tables of a database: SQLite's schema, or the PostgreSQL schema the service uses.</summary>
    public static IReadOnlyList<string> Tables(Database database)
    {
        using var connection = database.Connect();
        return connection.Query<string>(database.Dialect(
            sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
            postgres: """
                SELECT table_name FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name
                """)).ToList();
    }

    /// <summary>
    /// Copies <paramref name="source"/> (SQLite) into <paramref name="target"/> (PostgreSQL, migrated, empty) and
    /// returns each table's counts; throws <see cref="StorageCopyRefusedException"/> having written nothing when
    /// the target holds rows, the schemas disagree, or a count differs.
    /// </summary>
    public IReadOnlyList<CopiedTable> Copy(Database source, Database target)
    {
        if (source.IsPostgres || !target.IsPostgres)
            throw new StorageCopyRefusedException("storage copy moves a SQLite database into a PostgreSQL one");
        CheckEveryTableIsListed(source, Tables(source));
        CheckEveryTableIsListed(target, Tables(target));

        using var reader = source.Open();
        // One read transaction: a consistent snapshot, also while the service keeps writing (WAL).
        using var snapshot = reader.BeginTransaction(deferred: true);
        using var writer = (NpgsqlConnection)target.Connect();
        using var transaction = writer.BeginTransaction();
        var occupied = CopyOrder.Except(WrittenByMigrations).Where(table => writer.ExecuteScalar<bool>($"""SELECT EXISTS (SELECT 1 FROM "{table}")""", transaction: transaction, commandTimeout: NoTimeLimit)).ToList();
        if (occupied.Count > 0)
            throw new StorageCopyRefusedException($"{target.Describe()} already holds rows (in {string.Join(", ", occupied)}); copy only into an empty database");

        // The rollups' triggers would update the same counter rows once per copied row, in this one transaction, where
        // PostgreSQL keeps every version of a row and each update walks them all: quadratic, a stall at 100,000
        // readers. The rollups come from the source instead, so no trigger of the service's runs until the copy ends
        // (foreign keys, the system's own triggers, stay checked). Undone by the commit's ENABLE, or by a rollback.
        foreach (var table in CopyOrder) writer.Execute($"""ALTER TABLE "{table}" DISABLE TRIGGER USER""", transaction: transaction, commandTimeout: NoTimeLimit);
        var copied = new List<CopiedTable>();
        foreach (var table in CopyOrder)
        {
            var columns = Columns(writer, transaction, table);
            CheckSameColumns(reader, table, columns);
            // Rows a migration wrote (paper_changes' counter); the source's replace them.
            writer.Execute($"""DELETE FROM "{table}" """, transaction: transaction, commandTimeout: NoTimeLimit);
            var read = CopyRows(reader, snapshot, writer, table, columns);
            foreach (var identity in columns.Where(c => c.Identity))
                writer.Execute($"""SELECT setval(pg_get_serial_sequence(@table, @column), coalesce((SELECT max("{identity.Name}") FROM "{table}"), 0) + 1, false)""",
                    new { table, column = identity.Name }, transaction, NoTimeLimit);
            copied.Add(new CopiedTable(table, read, writer.ExecuteScalar<long>($"""SELECT count(*) FROM "{table}" """, transaction: transaction, commandTimeout: NoTimeLimit)));
        }
        var differing = copied.Where(c => c.SourceRows != c.TargetRows).ToList();
        if (differing.Count > 0)
            throw new StorageCopyRefusedException("row counts differ, nothing was written: " +
                string.Join(", ", differing.Select(c => $"{c.Table} {c.SourceRows} → {c.TargetRows}")));
        foreach (var table in CopyOrder) writer.Execute($"""ALTER TABLE "{table}" ENABLE TRIGGER USER""", transaction: transaction, commandTimeout: NoTimeLimit);
        transaction.Commit();
        return copied;
    }

    private static void CheckEveryTableIsListed(Database database, IReadOnlyList<string> tables)
    {
        var unknown = tables.Where(t => !CopyOrder.Contains(t) && !NotCopied.ContainsKey(t)).ToList();
        if (unknown.Count > 0)
            throw new StorageCopyRefusedException($"{database.Describe()} holds tables the copy does not know: {string.Join(", ", unknown)} " +
                "(add each to StorageCopyStore.CopyOrder, or to NotCopied with the reason)");
    }

    private sealed record Column(string Name, string Type, bool Identity);

    private static List<Column> Columns(NpgsqlConnection connection, NpgsqlTransaction transaction, string table) =>
        connection.Query<(string Name, string Type, string Identity)>("""
            SELECT column_name, data_type, is_identity FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = @table ORDER BY ordinal_position
            """, new { table }, transaction, commandTimeout: NoTimeLimit).Select(c => new Column(c.Name, c.Type, c.Identity == "YES")).ToList();

    private static void CheckSameColumns(SqliteConnection reader, string table, List<Column> columns)
    {
        var sqlite = reader.Query<string>("SELECT name FROM pragma_table_info(@table)", new { table }).ToHashSet();
        var missing = columns.Select(c => c.Name).Where(c => !sqlite.Contains(c)).ToList();
        var extra = sqlite.Where(c => columns.All(p => p.Name != c)).ToList();
        if (sqlite.Count == 0 || missing.Count > 0 || extra.Count > 0)
            throw new StorageCopyRefusedException($"table {table} differs between the two schemas " +
                $"(only on PostgreSQL: {string.Join(", ", missing)}; only on SQLite: {string.Join(", ", extra)}); migrate both to the same version");
    }

    private static long CopyRows(SqliteConnection reader, SqliteTransaction snapshot, NpgsqlConnection writer, string table, List<Column> columns)
    {
        var list = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
        using var select = reader.CreateCommand();
        select.Transaction = snapshot;
        select.CommandText = $"""SELECT {list} FROM "{table}" """;
        using var rows = select.ExecuteReader();
        using var import = writer.BeginBinaryImport($"""COPY "{table}" ({list}) FROM STDIN (FORMAT BINARY)""");
        import.Timeout = TimeSpan.FromSeconds(NoTimeLimit);
        long count = 0;
        while (rows.Read())
        {
            import.StartRow();
            for (var i = 0; i < columns.Count; i++)
            {
                if (rows.IsDBNull(i)) import.WriteNull();
                else Write(import, rows, i, table, columns[i]);
            }
            count++;
        }
        import.Complete();
        return count;
    }

    private static void Write(NpgsqlBinaryImporter import, DbDataReader rows, int i, string table, Column column)
    {
        switch (column.Type)
        {
            case "bigint": import.Write(rows.GetInt64(i), NpgsqlDbType.Bigint); break;
            case "integer": import.Write(rows.GetInt32(i), NpgsqlDbType.Integer); break;
            case "smallint": import.Write(rows.GetInt16(i), NpgsqlDbType.Smallint); break;
            case "double precision": import.Write(rows.GetDouble(i), NpgsqlDbType.Double); break;
            case "real": import.Write(rows.GetFloat(i), NpgsqlDbType.Real); break;
            case "boolean": import.Write(rows.GetInt64(i) != 0, NpgsqlDbType.Boolean); break;
            case "bytea": import.Write((byte[])rows.GetValue(i), NpgsqlDbType.Bytea); break;
            case "text": import.Write(Convert.ToString(rows.GetValue(i), CultureInfo.InvariantCulture)!, NpgsqlDbType.Text); break;
            case "jsonb": import.Write(rows.GetString(i), NpgsqlDbType.Jsonb); break;
            case "date": import.Write(DateOnly.ParseExact(rows.GetString(i)[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture), NpgsqlDbType.Date); break;
            case "timestamp with time zone": import.Write(Instant(rows.GetString(i), table, column.Name), NpgsqlDbType.TimestampTz); break;
            default: throw new StorageCopyRefusedException($"{table}.{column.Name} is of type {column.Type}, which the copy does not convert yet");
        }
    }

    // SQLite keeps instants as UTC text; a text without an offset is UTC too (the service never wrote local times).
    private static DateTime Instant(string text, string table, string column) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? DateTime.SpecifyKind(instant, DateTimeKind.Utc)
            : throw new StorageCopyRefusedException($"{table}.{column} holds '{text}', which is not a time; nothing was written");
}
