using System.Data.Common;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Newsletter.Storage;

namespace Newsletter.Digests;

/// <summary>
/// The lists of frozen digest items that ledger rows point at (<c>frozen_lists</c>, migration 0025). Many readers of
/// a run get the same list (a run of 100,000 readers froze 27,033 distinct ones), so each distinct list is written
/// once a run, in the transaction of the first page that needs it, and later rows point at the same one
/// (<see cref="FrozenLists"/> remembers them by content). The ledger's queries read a row's list back as its items (see
/// <see cref="DeliveryStore.Items"/>); retention removes the lists no row points at.
/// </summary>
/// <remarks>
/// On SQLite a list's JSON goes to the insert as the UTF-8 bytes <see cref="FrozenItems.WriteUtf8"/> wrote into one
/// buffer, bound as text on the page's connection (<see cref="SqliteStatement"/>): the stored text is the same, and no
/// .NET string is made and transcoded back per list (~2 KB each, 27,033 a run of 100,000 readers; BENCHMARKS).
/// </remarks>
internal sealed class FrozenListStore : IDisposable
{
    private const string Insert = "INSERT INTO frozen_lists (items, created_at) VALUES (@items, @now)";

    private readonly FrozenLists _run;
    private readonly List<int> _written = [];
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(4096);
    // SQLite: the statement on the connection's own handle. PostgreSQL: the command and its items parameter.
    private readonly SqliteStatement? _statement;
    private readonly DbCommand? _command;
    private readonly DbParameter? _items;

    private FrozenListStore(FrozenLists run, SqliteStatement statement)
    {
        _run = run;
        _statement = statement;
    }

    private FrozenListStore(FrozenLists run, DbCommand command, DbParameter items)
    {
        _run = run;
        _command = command;
        _items = items;
    }

    /// <summary>A writer of the run's lists inside a page's <paramref name="transaction"/>.</summary>
    public static FrozenListStore Prepare(DbConnection connection, DbTransaction transaction, DateTimeOffset now, FrozenLists run)
    {
        run.WrittenAt(now);
        if (connection is SqliteConnection sqlite)
        {
            var statement = new SqliteStatement(sqlite, Insert);
            statement.Bind("@now", UtcTimestampHandler.ToText(now));
            return new FrozenListStore(run, statement);
        }
        var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = Insert + " RETURNING id";
        var items = insert.AddParameter("items", "");
        insert.AddTimestamp("now", now);
        return new FrozenListStore(run, insert, items);
    }

    /// <summary>
    /// The id of <paramref name="digest"/>'s stored list: written now unless this run already wrote it. A digest the
    /// planner numbered (<see cref="FrozenLists.Number"/>) comes after the one that carries its list, as the planner
    /// hands them over; one handed over unnumbered is looked up by its content.
    /// </summary>
    public long Freeze(PlannedDigest digest)
    {
        var number = digest.List >= 0 ? digest.List : _run.NumberOf(digest.Items, out _);
        if (_run.IdOf(number) is { } id) return id;
        if (digest.Carried) throw new InvalidOperationException($"list {number} of the run is named before the digest that carries it is written");
        var json = FrozenItems.WriteUtf8(digest.Items, _buffer);
        id = _statement is not null ? InsertUtf8(_statement, json) : InsertText(json);
        _written.Add(number);
        // Remembered at once, for the rest of this page and the later ones (forgotten again if the page rolls back).
        _run.Stored(number, id);
        return id;
    }

    private static long InsertUtf8(SqliteStatement statement, ReadOnlySpan<byte> json)
    {
        statement.Bind("@items", json);
        return statement.Insert();
    }

    private long InsertText(ReadOnlySpan<byte> json)
    {
        _items!.Value = Encoding.UTF8.GetString(json);
        return Convert.ToInt64(_command!.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Forgets what this page wrote: its transaction was rolled back, so later pages write those lists again.</summary>
    public void RolledBack()
    {
        foreach (var number in _written) _run.Forget(number);
    }

    /// <summary>
    /// Deletes at most <paramref name="batch"/> lists written before <paramref name="before"/> whose run has no ledger
    /// row left, in one statement; returns how many. A row points only at a list its own run wrote, and a run writes
    /// its lists and rows at one time (<see cref="FrozenLists.WrittenAt"/>), so a list is kept while any row of its
    /// run is kept: asked of <c>deliveries_state_created</c>, not of an index of every row's list (migration 0030). A
    /// list younger than the cut-off may still get rows from the run that wrote it, so it is never a candidate.
    /// </summary>
    public static int RemoveUnused(Database database, DbConnection connection, DateTimeOffset before, int batch)
    {
        // SQLite would check each deleted list's foreign key by scanning the ledger (no index on items_list there any
        // more); no row of its run is left, so none can point at it. PostgreSQL checks it by its index.
        if (!database.IsPostgres) connection.Execute("PRAGMA foreign_keys = OFF");
        try
        {
            // Every state named (DeliveryStates.All), so the search goes through the state index; a state added
            // later is named here by itself. Dapper spreads the list into IN (…) on SQLite, one array on PostgreSQL.
            var everyState = database.Dialect(sqlite: "d.state IN @states", postgres: "d.state = ANY(@states)");
            return connection.Execute(
                $"""
                DELETE FROM frozen_lists WHERE id IN (
                    SELECT l.id FROM frozen_lists l
                    WHERE l.created_at < @before
                      AND NOT EXISTS (SELECT 1 FROM deliveries d
                                      WHERE {everyState}
                                        AND d.created_at = l.created_at)
                    ORDER BY l.id
                    LIMIT @batch)
                """,
                new { before, batch, states = DeliveryStates.All });
        }
        finally
        {
            if (!database.IsPostgres) connection.Execute("PRAGMA foreign_keys = ON");
        }
    }

    public void Dispose()
    {
        _statement?.Dispose();
        _command?.Dispose();
    }
}
