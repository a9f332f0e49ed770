using Microsoft.Data.Sqlite;

namespace Newsletter.Matching;

/// <summary>
/// An empty in-memory FTS5 table shaped like <c>papers_fts</c> (same columns, same tokenizer): FTS5 itself says
/// whether a query is valid, without touching the database. Dispose it when done.
/// </summary>
public sealed class QueryProbeStore : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public QueryProbeStore()
    {
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "CREATE VIRTUAL TABLE probe USING fts5(title, abstract, authors, tokenize = 'porter unicode61 remove_diacritics 2')";
        create.ExecuteNonQuery();
    }

    /// <summary>Why SQLite's FTS5 rejects the query, or null when it accepts it.</summary>
    public string? QueryError(string query)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT rowid FROM probe WHERE probe MATCH $query";
        command.Parameters.AddWithValue("$query", query);
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read()) { }
            return null;
        }
        catch (SqliteException e)
        {
            return e.Message.Replace("SQLite Error 1: ", "", StringComparison.Ordinal).Trim('\'', ' ', '.');
        }
    }

    public void Dispose() => _connection.Dispose();
}
