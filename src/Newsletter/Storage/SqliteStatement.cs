using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Newsletter.Storage;

/// <summary>
/// One statement prepared on a SQLite connection's own handle and run many times inside the transaction the
/// connection has begun, its text parameters bound from UTF-8 bytes as they are: the planning writer's JSON values
/// (a page's window moves, each new frozen list) go from the buffer they were written into, with no .NET string made
/// and transcoded back per value (tests/BENCHMARKS.md, "Planning's ledger writer, second round").
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

    /// <summary>Runs the statement to its end; returns the rowid of the last row it inserted.</summary>
    public long Insert()
    {
        Run(null);
        return raw.sqlite3_last_insert_rowid(_handle);
    }

    /// <summary>Runs the statement to its end, adding each row's first column (an integer) to <paramref name="ids"/>.</summary>
    public void Read(ISet<long> ids) => Run(ids);

    private void Run(ISet<long>? ids)
    {
        try
        {
            int result;
            while ((result = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW) ids?.Add(raw.sqlite3_column_int64(_statement, 0));
            if (result != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(result, _handle);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

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
