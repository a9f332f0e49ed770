using System.Data.Common;
using Microsoft.Data.Sqlite;
using Newsletter.Storage;

namespace Newsletter.Matching;

/// <summary>
/// The SQL of the one matcher: a window of papers copied into an in-memory SQLite FTS5 index of its own (the columns
/// and tokenizer of <c>papers_fts</c>), where every filter is matched and every highlight decided. bm25 counts over the
/// window, so matching costs what the window holds, not the whole history, and it needs nothing of the main
/// database but the papers' rows (so it works the same whatever holds them).
/// <see cref="Build"/> makes the index once (a planning run's, or one shared by previews until a paper changes);
/// each user (a run, a request) then opens a store of its own on it, whose connection carries that user's budget.
/// </summary>
internal sealed class WindowIndexStore : IDisposable
{
    /// <summary>The tokenizer of <c>papers_fts</c> (migration 0001): the index must split words the same way.</summary>
    public const string Tokenizer = "porter unicode61 remove_diacritics 2";

    // bm25 column weights for (title, abstract, authors): a word in the title says far more about a paper than one
    // in its abstract; author names count like the abstract so author keywords work.
    private const string Bm25 = "bm25(paper, 5.0, 1.0, 1.0)";

    // Control characters no stored abstract holds (ingest drops them): they delimit a match in highlight()'s answer.
    private const char Start = '\u0002', End = '\u0003';

    private readonly SqliteCommand _match;
    private readonly SqliteCommand _highlight;

    /// <summary>Opens a connection of its own to an index made by <see cref="Build"/>.</summary>
    public WindowIndexStore(string index)
    {
        Connection = new SqliteConnection(index);
        Connection.Open();
        // Prepared once and run once per distinct filter: a planning run runs thousands.
        _match = Connection.CreateCommand();
        _match.CommandText = $"SELECT rowid, {Bm25} FROM paper WHERE paper MATCH $query";
        _match.Parameters.Add("$query", SqliteType.Text);
        _highlight = Connection.CreateCommand();
        // One evaluation of each query for all the papers it is asked about: "+ 0" keeps the rowid test away from
        // FTS5, which would otherwise run the whole query again for each paper; highlight() runs only for those.
        _highlight.CommandText = """
            SELECT rowid, highlight(paper, 1, char(2), char(3)) FROM paper
            WHERE paper MATCH $query AND rowid + 0 IN (SELECT value FROM json_each($papers))
            """;
        _highlight.Parameters.Add("$query", SqliteType.Text);
        _highlight.Parameters.Add("$papers", SqliteType.Text);
    }

    /// <summary>The store's own connection to the index: a budget put on it times this store's queries alone.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>
    /// Copies the papers with ids in (<paramref name="low"/>, <paramref name="high"/>] from <paramref name="database"/>
    /// (SQLite or PostgreSQL: the index is SQLite either way) into a new in-memory index, and returns what ranking needs of each paper. The index lives while
    /// <paramref name="keeper"/> (or any store opened on <paramref name="index"/>) is open.
    /// </summary>
    public static Dictionary<long, WindowPaper> Build(DbConnection database, long low, long high, out SqliteConnection keeper, out string index)
    {
        // A named in-memory database in shared-cache mode, so several stores (concurrent previews) can open it; never
        // pooled, or a pooled connection would keep a dropped window's memory alive.
        index = new SqliteConnectionStringBuilder
        {
            DataSource = "window-" + Guid.NewGuid().ToString("N"), Mode = SqliteOpenMode.Memory, Cache = SqliteCacheMode.Shared, Pooling = false,
        }.ToString();
        keeper = new SqliteConnection(index);
        keeper.Open();
        using (var create = keeper.CreateCommand())
        {
            // The columns of papers_fts, so that a column filter such as "title: ..." means the same here.
            create.CommandText = $"CREATE VIRTUAL TABLE paper USING fts5(title, abstract, authors, tokenize = '{Tokenizer}')";
            create.ExecuteNonQuery();
        }
        var papers = new Dictionary<long, WindowPaper>();
        using var transaction = keeper.BeginTransaction();
        using var insert = keeper.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO paper (rowid, title, abstract, authors) VALUES ($id, $title, $abstract, $authors)";
        var (id, title, summary, authors) = (insert.Parameters.Add("$id", SqliteType.Integer), insert.Parameters.Add("$title", SqliteType.Text),
            insert.Parameters.Add("$abstract", SqliteType.Text), insert.Parameters.Add("$authors", SqliteType.Text));
        using var read = database.CreateCommand();
        read.CommandText = """
            SELECT id, upvotes, first_seen_at, title, abstract, authors FROM papers WHERE id > @low AND id <= @high ORDER BY id
            """;
        read.AddParameter("low", low);
        read.AddParameter("high", high);
        using (var row = read.ExecuteReader())
        {
            while (row.Read())
            {
                var paper = row.GetInt64(0);
                papers[paper] = new WindowPaper(row.IsDBNull(1) ? null : (int)row.GetInt64(1), UtcTimestampHandler.Read(row, 2));
                (id.Value, title.Value, summary.Value, authors.Value) = (paper, row.GetString(3), row.GetString(4), row.GetString(5));
                insert.ExecuteNonQuery();
            }
        }
        transaction.Commit();
        return papers;
    }

    /// <summary>
    /// Adds each paper of the window that <paramref name="query"/> (FTS5 syntax) matches to <paramref name="hits"/>,
    /// with its relevance (bm25 flipped: higher is better) and its upvotes from <paramref name="papers"/>.
    /// </summary>
    public void Match(string query, IReadOnlyDictionary<long, WindowPaper> papers, List<FilterHit> hits)
    {
        _match.Parameters["$query"].Value = query;
        using var reader = _match.ExecuteReader();
        while (reader.Read())
        {
            var paper = reader.GetInt64(0);
            hits.Add(new FilterHit(paper, -reader.GetDouble(1), papers.TryGetValue(paper, out var p) ? p.Upvotes ?? 0 : 0));
        }
    }

    /// <summary>
    /// For each (paper, FTS5 query) asked, the spans of the paper's abstract the query matched: flat start/end pairs
    /// (UTF-16 offsets, end exclusive, ascending); empty when it matched none there, when the paper is not in the
    /// window or when FTS5 refuses the query.
    /// </summary>
    public int[][] Spans(IReadOnlyList<(long Paper, string Query)> asked)
    {
        var spans = new int[asked.Count][];
        Array.Fill(spans, []);
        foreach (var group in Enumerable.Range(0, asked.Count).GroupBy(i => asked[i].Query, StringComparer.Ordinal))
        {
            // Two labels may share a query (a keyword typed as a topic's query): each gets the answer.
            var at = group.ToLookup(i => asked[i].Paper);
            _highlight.Parameters["$query"].Value = group.Key;
            _highlight.Parameters["$papers"].Value = "[" + string.Join(',', at.Select(p => p.Key)) + "]";
            try
            {
                using var reader = _highlight.ExecuteReader();
                while (reader.Read())
                {
                    var found = SpansOf(reader.GetString(1));
                    foreach (var i in at[reader.GetInt64(0)]) spans[i] = found;
                }
            }
            catch (SqliteException)
            {
                // A query FTS5 refuses cannot have matched; the matcher already skipped it.
            }
        }
        return spans;
    }

    /// <summary>The spans between the marks of highlight()'s answer, as offsets into the unmarked text.</summary>
    private static int[] SpansOf(string marked)
    {
        var spans = new List<int>();
        var removed = 0;
        for (var i = 0; i < marked.Length; i++)
        {
            if (marked[i] is not (Start or End)) continue;
            spans.Add(i - removed);
            removed++;
        }
        return spans.Count % 2 == 0 ? spans.ToArray() : [];
    }

    public void Dispose()
    {
        _match.Dispose();
        _highlight.Dispose();
        Connection.Dispose();
    }
}
