using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Newsletter.Listings;

namespace Newsletter.Delivery;

/// <summary>
/// Marks the terms a filter query matched in a paper's abstract with FTS5's own highlight(), so stemming, phrases
/// and prefixes mark exactly what matched. The query runs against a scratch in-memory FTS5 table holding only
/// the papers being rendered: highlight() needs a MATCH, and a MATCH on the full <c>papers_fts</c> walks the query
/// terms' whole posting lists (tens of milliseconds for a broad topic) even when restricted to one rowid.
/// </summary>
public sealed class MatchHighlighter : IDisposable
{
    /// <summary>The tokenizer of <c>papers_fts</c> (migration 0001): the scratch table must split words the same way.</summary>
    public const string Tokenizer = "porter unicode61 remove_diacritics 2";

    // One scratch database per concurrent caller; sending workers compose in parallel.
    private readonly ConcurrentBag<Scratch> _idle = [];

    /// <summary>The abstract with matched terms between the <see cref="DigestExcerpt"/> marks, or null when the
    /// query does not match the paper (or FTS5 refuses it).</summary>
    public string? Highlight(Paper paper, string query) => Highlight([(paper, query)])[0];

    /// <summary>
    /// <see cref="Highlight(Paper, string)"/> for many papers at once (a sending batch's): the papers go into the
    /// scratch table together and each distinct query runs once over all of them (they mostly share a few).
    /// </summary>
    public IReadOnlyList<string?> Highlight(IReadOnlyList<(Paper Paper, string Query)> requests)
    {
        if (!_idle.TryTake(out var scratch)) scratch = new Scratch();
        try
        {
            return scratch.Highlight(requests);
        }
        finally
        {
            _idle.Add(scratch);
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var scratch)) scratch.Dispose();
    }

    private sealed class Scratch : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _clearIndex, _clearDocs, _insertDoc, _insertIndex, _select;
        private readonly SqliteParameter _docId, _title, _abstract, _authors, _indexId, _indexTitle, _indexAbstract, _indexAuthors, _query;

        public Scratch()
        {
            _connection = new SqliteConnection("Data Source=:memory:");
            _connection.Open();
            using (var create = _connection.CreateCommand())
            {
                // Shaped like papers_fts: external content, same columns (so a column filter such as "title: ..."
                // means the same) and tokenizer. External content also makes emptying the index cheap ('delete-all').
                create.CommandText = $"""
                    CREATE TABLE doc (id INTEGER PRIMARY KEY, title TEXT, abstract TEXT, authors TEXT);
                    CREATE VIRTUAL TABLE paper USING fts5(title, abstract, authors, content = 'doc', content_rowid = 'id', tokenize = '{Tokenizer}');
                    """;
                create.ExecuteNonQuery();
            }
            _clearIndex = Command("INSERT INTO paper (paper) VALUES ('delete-all')");
            _clearDocs = Command("DELETE FROM doc");
            _insertDoc = Command("INSERT INTO doc (id, title, abstract, authors) VALUES ($id, $title, $abstract, $authors)");
            (_docId, _title, _abstract, _authors) = (Integer(_insertDoc, "$id"), Text(_insertDoc, "$title"), Text(_insertDoc, "$abstract"), Text(_insertDoc, "$authors"));
            _insertIndex = Command("INSERT INTO paper (rowid, title, abstract, authors) VALUES ($id, $title, $abstract, $authors)");
            (_indexId, _indexTitle, _indexAbstract, _indexAuthors) = (Integer(_insertIndex, "$id"), Text(_insertIndex, "$title"), Text(_insertIndex, "$abstract"), Text(_insertIndex, "$authors"));
            _select = Command("SELECT rowid, highlight(paper, 1, $start, $end) FROM paper WHERE paper MATCH $query");
            _select.Parameters.AddWithValue("$start", DigestExcerpt.MarkStart.ToString());
            _select.Parameters.AddWithValue("$end", DigestExcerpt.MarkEnd.ToString());
            _query = Text(_select, "$query");
        }

        public IReadOnlyList<string?> Highlight(IReadOnlyList<(Paper Paper, string Query)> requests)
        {
            _clearIndex.ExecuteNonQuery();
            _clearDocs.ExecuteNonQuery();
            // Rows are numbered by request, not by paper id: a paper may appear twice, under two queries.
            for (var i = 0; i < requests.Count; i++)
            {
                var paper = requests[i].Paper;
                (_docId.Value, _title.Value, _abstract.Value, _authors.Value) = (i + 1L, paper.Title, paper.Abstract, paper.Authors);
                _insertDoc.ExecuteNonQuery();
                (_indexId.Value, _indexTitle.Value, _indexAbstract.Value, _indexAuthors.Value) = (i + 1L, paper.Title, paper.Abstract, paper.Authors);
                _insertIndex.ExecuteNonQuery();
            }
            var marked = new string?[requests.Count];
            foreach (var query in requests.Select(r => r.Query).Distinct(StringComparer.Ordinal))
            {
                _query.Value = query;
                try
                {
                    using var reader = _select.ExecuteReader();
                    while (reader.Read())
                    {
                        var index = (int)reader.GetInt64(0) - 1;
                        // Only the rows this query was asked for: another row's paper is marked by its own query.
                        if (requests[index].Query == query) marked[index] = reader.GetString(1);
                    }
                }
                catch (SqliteException)
                {
                    // A keyword FTS5 refuses cannot have matched.
                }
            }
            return marked;
        }

        private SqliteCommand Command(string sql)
        {
            var command = _connection.CreateCommand();
            command.CommandText = sql;
            return command;
        }

        private static SqliteParameter Integer(SqliteCommand command, string name) => command.Parameters.Add(name, SqliteType.Integer);

        private static SqliteParameter Text(SqliteCommand command, string name) => command.Parameters.Add(name, SqliteType.Text);

        public void Dispose()
        {
            foreach (var command in new[] { _clearIndex, _clearDocs, _insertDoc, _insertIndex, _select }) command.Dispose();
            _connection.Dispose();
        }
    }
}
