using Microsoft.Data.Sqlite;

namespace Newsletter.Matching;

/// <summary>
/// Which words of a paper's abstract a filter's query matched, as FTS5's own highlight() marks them (stemming,
/// phrases, prefixes, NEAR and column filters alike), asked when planning so a digest is sent with its marks decided.
/// highlight() needs a MATCH, and a MATCH on <c>papers_fts</c> walks the query terms' posting lists over the whole
/// history; so the run's frozen papers are copied, as they are first asked for, into a small in-memory FTS5 index of
/// the same shape, where each question costs about one tokenised abstract. One instance per planning run.
/// </summary>
internal sealed class HighlightStore : IDisposable
{
    /// <summary>The tokenizer of <c>papers_fts</c> (migration 0001): the index here must split words the same way.</summary>
    public const string Tokenizer = "porter unicode61 remove_diacritics 2";

    // Control characters no stored abstract holds (ingest drops them): they delimit a match in highlight()'s answer.
    private const char Start = '\u0002', End = '\u0003';

    private readonly SqliteConnection _papers;
    private readonly SqliteConnection _index;
    private readonly HashSet<long> _copied = [];

    /// <param name="papers">The run's connection to the database, where the papers' text is read.</param>
    public HighlightStore(SqliteConnection papers)
    {
        _papers = papers;
        _index = new SqliteConnection("Data Source=:memory:");
        _index.Open();
        using var create = _index.CreateCommand();
        // The columns of papers_fts, so that a column filter such as "title: ..." means the same here.
        create.CommandText = $"CREATE VIRTUAL TABLE paper USING fts5(title, abstract, authors, tokenize = '{Tokenizer}')";
        create.ExecuteNonQuery();
    }

    /// <summary>
    /// For each (paper, FTS5 query) asked, the spans of the paper's abstract the query matched: flat start/end pairs
    /// (UTF-16 offsets, end exclusive, ascending); empty when it matched none there, when the paper no longer
    /// exists or when FTS5 refuses the query.
    /// </summary>
    public int[][] Spans(IReadOnlyList<(long Paper, string Query)> asked)
    {
        Copy(asked.Select(a => a.Paper).Where(p => !_copied.Contains(p)).Distinct().ToList());
        var spans = new int[asked.Count][];
        Array.Fill(spans, []);
        using var select = _index.CreateCommand();
        // One evaluation of each query for all the papers it is asked about: "+ 0" keeps the rowid test away from
        // FTS5, which would otherwise run the whole query again for each paper; highlight() runs only for those.
        select.CommandText = """
            SELECT rowid, highlight(paper, 1, char(2), char(3)) FROM paper
            WHERE paper MATCH $query AND rowid + 0 IN (SELECT value FROM json_each($papers))
            """;
        var query = select.Parameters.Add("$query", SqliteType.Text);
        var papers = select.Parameters.Add("$papers", SqliteType.Text);
        foreach (var group in Enumerable.Range(0, asked.Count).GroupBy(i => asked[i].Query, StringComparer.Ordinal))
        {
            // Two labels may share a query (a keyword typed as a topic's query): each gets the answer.
            var at = group.ToLookup(i => asked[i].Paper);
            (query.Value, papers.Value) = (group.Key, "[" + string.Join(',', at.Select(p => p.Key)) + "]");
            try
            {
                using var reader = select.ExecuteReader();
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

    /// <summary>Copies the papers' text into the index (each once per run).</summary>
    private void Copy(IReadOnlyList<long> ids)
    {
        if (ids.Count == 0) return;
        using var transaction = _index.BeginTransaction();
        using var insert = _index.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO paper (rowid, title, abstract, authors) VALUES ($id, $title, $abstract, $authors)";
        var (id, title, summary, authors) = (insert.Parameters.Add("$id", SqliteType.Integer), insert.Parameters.Add("$title", SqliteType.Text),
            insert.Parameters.Add("$abstract", SqliteType.Text), insert.Parameters.Add("$authors", SqliteType.Text));
        using var read = _papers.CreateCommand();
        read.CommandText = "SELECT id, title, abstract, authors FROM papers WHERE id IN (SELECT value FROM json_each($ids))";
        read.Parameters.AddWithValue("$ids", "[" + string.Join(',', ids) + "]");
        using (var reader = read.ExecuteReader())
        {
            while (reader.Read())
            {
                (id.Value, title.Value, summary.Value, authors.Value) = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
                insert.ExecuteNonQuery();
            }
        }
        transaction.Commit();
        _copied.UnionWith(ids);
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

    public void Dispose() => _index.Dispose();
}
