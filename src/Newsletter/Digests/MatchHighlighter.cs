using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Newsletter.Listings;

namespace Newsletter.Digests;

/// <summary>
/// Marks the terms a filter query matched in a paper's abstract with FTS5's own highlight(), so stemming, phrases
/// and prefixes mark exactly what matched. The query runs against a scratch in-memory FTS5 table holding only that
/// one paper: highlight() needs a MATCH, and a MATCH on the full <c>papers_fts</c> walks the query terms' whole
/// posting lists (tens of milliseconds for a broad topic) even when restricted to one rowid.
/// </summary>
public sealed class MatchHighlighter : IDisposable
{
    /// <summary>The tokenizer of <c>papers_fts</c> (migration 0001): the scratch table must split words the same way.</summary>
    public const string Tokenizer = "porter unicode61 remove_diacritics 2";

    // One scratch database per concurrent caller; sending workers compose in parallel.
    private readonly ConcurrentBag<Scratch> _idle = [];

    /// <summary>The abstract with matched terms between the <see cref="DigestExcerpt"/> marks, or null when the
    /// query does not match the paper (or FTS5 refuses it).</summary>
    public string? Highlight(Paper paper, string query)
    {
        if (!_idle.TryTake(out var scratch)) scratch = new Scratch();
        try
        {
            return scratch.Highlight(paper, query);
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
        private readonly SqliteCommand _clear, _insert, _select;
        private readonly SqliteParameter _title, _abstract, _authors, _query;

        public Scratch()
        {
            _connection = new SqliteConnection("Data Source=:memory:");
            _connection.Open();
            using (var create = _connection.CreateCommand())
            {
                // Same columns as papers_fts, so a column filter in a keyword query ("title: ...") means the same.
                create.CommandText = $"CREATE VIRTUAL TABLE paper USING fts5(title, abstract, authors, tokenize = '{Tokenizer}')";
                create.ExecuteNonQuery();
            }
            _clear = _connection.CreateCommand();
            _clear.CommandText = "DELETE FROM paper";
            _insert = _connection.CreateCommand();
            _insert.CommandText = "INSERT INTO paper (rowid, title, abstract, authors) VALUES (1, $title, $abstract, $authors)";
            _title = _insert.Parameters.Add("$title", SqliteType.Text);
            _abstract = _insert.Parameters.Add("$abstract", SqliteType.Text);
            _authors = _insert.Parameters.Add("$authors", SqliteType.Text);
            _select = _connection.CreateCommand();
            _select.CommandText = "SELECT highlight(paper, 1, $start, $end) FROM paper WHERE paper MATCH $query";
            _select.Parameters.AddWithValue("$start", DigestExcerpt.MarkStart.ToString());
            _select.Parameters.AddWithValue("$end", DigestExcerpt.MarkEnd.ToString());
            _query = _select.Parameters.Add("$query", SqliteType.Text);
        }

        public string? Highlight(Paper paper, string query)
        {
            _clear.ExecuteNonQuery();
            _title.Value = paper.Title;
            _abstract.Value = paper.Abstract;
            _authors.Value = paper.Authors;
            _insert.ExecuteNonQuery();
            _query.Value = query;
            try
            {
                return _select.ExecuteScalar() as string;
            }
            catch (SqliteException)
            {
                // A keyword FTS5 refuses cannot have matched.
                return null;
            }
        }

        public void Dispose()
        {
            _clear.Dispose();
            _insert.Dispose();
            _select.Dispose();
            _connection.Dispose();
        }
    }
}
