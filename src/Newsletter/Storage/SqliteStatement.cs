using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Newsletter.Storage;

/// <summary>
/// One statement prepared on a SQLite connection's own handle and run many times inside the transaction the
/// connection has begun, its text parameters bound from UTF-8 bytes as they are: the planning writer's new frozen
/// lists go from the buffer their JSON was written into, with no .NET string made and transcoded back per list
/// (tests/BENCHMARKS.md, "Planning's ledger writer, second round"); the writer's rows and window advances bind their
/// values by number, with no JSON between (BENCHMARKS, "The ledger writer's statements bound"). Its rows are read
/// the same way, a column's text as its UTF-8 bytes: the planner's page of readers (BENCHMARKS, "The planner
/// thread's page read").
/// </summary>
public sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _handle;
    private readonly sqlite3_stmt _statement;

    /// <summary>Prepares <paramref name="sql"/> (parameters named <c>@name</c>) on <paramref name="connection"/>.</summary>
    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _handle = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        Check(raw.sqlite3_prepare_v2(_handle, sql, out _statement));
    }

    /// <summary>Binds <paramref name="utf8"/> as the text of parameter <paramref name="name"/> (SQLite copies it).</summary>
    public void Bind(string name, ReadOnlySpan<byte> utf8) => Check(raw.sqlite3_bind_text(_statement, Index(name), utf8));

    /// <summary>Binds <paramref name="text"/> to parameter <paramref name="name"/>.</summary>
    public void Bind(string name, string text) => Check(raw.sqlite3_bind_text(_statement, Index(name), text));

    /// <summary>Runs an insert of one row (it returns no rows); returns the row's rowid.</summary>
    public long Insert()
    {
        Run();
        return raw.sqlite3_last_insert_rowid(_handle);
    }

    /// <summary>Binds <paramref name="value"/> to parameter <paramref name="name"/>.</summary>
    public void Bind(string name, long value) => Check(raw.sqlite3_bind_int64(_statement, Index(name), value));

    /// <summary>Binds <paramref name="utf8"/> as the text of the parameter numbered <paramref name="index"/> (<c>?NNN</c>, from 1).</summary>
    public void Bind(int index, ReadOnlySpan<byte> utf8) => Check(raw.sqlite3_bind_text(_statement, index, utf8));

    /// <summary>Binds <paramref name="value"/> to the parameter numbered <paramref name="index"/> (<c>?NNN</c>, from 1).</summary>
    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    /// <summary>Runs a statement that returns no rows; returns how many rows it changed (not counting its triggers').</summary>
    public int Execute()
    {
        Run();
        return raw.sqlite3_changes(_handle);
    }

    // One step of a statement that returns no rows, reset for its next run; the rowid and changes it leaves stay readable.
    private void Run()
    {
        try
        {
            var result = raw.sqlite3_step(_statement);
            if (result != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(result, _handle);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Moves to the statement's next row; false when there is none (call <see cref="Reset"/> before running it again).</summary>
    public bool Step()
    {
        var result = raw.sqlite3_step(_statement);
        if (result == raw.SQLITE_ROW) return true;
        if (result != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(result, _handle);
        return false;
    }

    /// <summary>Ends the current run (and its read of the database), keeping the bindings.</summary>
    public void Reset() => raw.sqlite3_reset(_statement);

    /// <summary>The current row's integer in <paramref name="column"/> (0 for NULL).</summary>
    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    /// <summary>The current row's text in <paramref name="column"/> as UTF-8, valid until the next step (empty for NULL).</summary>
    // Read as a blob: SQLite hands over a text column's stored bytes as they are (UTF-8, the encoding it creates a
    // database in and the app never changes), with their length; the text call gives a zero-terminated pointer that
    // only unsafe code could measure.
    public ReadOnlySpan<byte> Utf8(int column) => raw.sqlite3_column_blob(_statement, column);

    private int Index(string name)
    {
        var index = raw.sqlite3_bind_parameter_index(_statement, name);
        return index > 0 ? index : throw new ArgumentException($"the statement has no parameter {name}", nameof(name));
    }

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(result, _handle);
    }

    public void Dispose() => _statement.Dispose();
}
