using System.Buffers.Text;
using System.Data.Common;
using System.Runtime.InteropServices;
using System.Text;
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
    // Prepared on the connection's own handle, highlight()'s answer read as its UTF-8 bytes: a run asks ~370,000 pairs
    // at 1,000,000 readers, each an abstract that a .NET string would copy twice.
    private readonly SqliteStatement _highlight;
    private readonly SqliteStatement _highlightOne;
    private byte[] _papers = new byte[256];
    private readonly List<int> _found = [];
    private readonly PhraseTermStore _terms;
    private readonly WindowPostings _postings;
    private readonly WindowPostingsStore _postingsStore;
    private readonly List<(long Rowid, double Relevance)> _matched = [];
    private readonly List<double> _frequencies = [];
    private readonly PostingsScratch _scratch = new();
    // The window's tokens once read (ReadTokens): most pairs' marks are then read off them, not asked of highlight().
    private WindowTokens? _tokens;

    /// <summary>Opens a connection of its own to an index made by <see cref="Build"/>, whose tokens are <paramref name="postings"/>.</summary>
    public WindowIndexStore(string index, WindowPostings postings)
    {
        Connection = new SqliteConnection(index);
        Connection.Open();
        _postings = postings;
        _postingsStore = new WindowPostingsStore(Connection, postings);
        _terms = new PhraseTermStore(Connection, postings);
        // Prepared once and run once per distinct filter: a planning run runs thousands.
        _match = Connection.CreateCommand();
        _match.CommandText = $"SELECT rowid, {Bm25} FROM paper WHERE paper MATCH $query";
        _match.Parameters.Add("$query", SqliteType.Text);
        // One evaluation of each query for all the papers it is asked about: "+ 0" keeps the rowid test away from
        // FTS5, which would otherwise run the whole query again for each paper; highlight() runs only for those.
        _highlight = new SqliteStatement(Connection, """
            SELECT rowid, highlight(paper, 1, char(2), char(3)) FROM paper
            WHERE paper MATCH @query AND rowid + 0 IN (SELECT value FROM json_each(@papers))
            """);
        // One paper: FTS5 seeks it in the query's lists instead of walking all of the query's matches.
        _highlightOne = new SqliteStatement(Connection, "SELECT highlight(paper, 1, char(2), char(3)) FROM paper WHERE paper MATCH @query AND rowid = @paper");
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
            // The columns of papers_fts, so that a column filter such as "title: ..." means the same here. Its terms
            // and their tokens, as WindowPostingsStore reads them, made once for every store on the window.
            create.CommandText = $"""
                CREATE VIRTUAL TABLE paper USING fts5(title, abstract, authors, tokenize = '{Tokenizer}');
                CREATE VIRTUAL TABLE paper_terms USING fts5vocab(paper, row);
                CREATE VIRTUAL TABLE paper_tokens USING fts5vocab(paper, instance);
                """;
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
    /// Learns the words of <paramref name="queries"/> (FTS5 syntax) in one go, so that each flat one is then answered
    /// without a statement (see <see cref="PhraseTermStore"/>).
    /// </summary>
    public void Learn(IEnumerable<string> queries) => _terms.Learn(queries);

    /// <summary>
    /// Reads every term's postings of the window in one scan (a planning run's: it asks nearly every term), rather
    /// than each term's when a query first asks for it.
    /// </summary>
    public void ReadPostings() => _postingsStore.ReadAll();

    /// <summary>
    /// Reads the postings of the terms <paramref name="query"/> needs that no query on the window has read yet (kept
    /// for every later one); nothing when it is not flat or all are read. <see cref="Match"/> reads them too.
    /// </summary>
    public void ReadPostings(string query)
    {
        if (_postings.Complete || _terms.Phrases(query, out _, out _) is not { } phrases) return;
        _postingsStore.Read(phrases);
    }

    /// <summary>
    /// Adds each paper of the window that <paramref name="query"/> (FTS5 syntax) matches to <paramref name="hits"/>,
    /// with its relevance (bm25 flipped: higher is better) and its upvotes from <paramref name="papers"/>. A flat query
    /// (<see cref="FlatQuery"/>) is answered from the window's postings, with FTS5's answer bit for bit, asking
    /// <paramref name="spent"/> as it goes (the budget the connection's statements answer to): once spent, it is
    /// interrupted as FTS5 would have been. Any other query goes to FTS5.
    /// </summary>
    /// <returns>
    /// For a flat query, how its relevance is computed again from each match's phrase frequencies, which
    /// <see cref="Frequencies"/> then holds (hits' order, <see cref="FlatRelevance.Phrases"/> each); null from FTS5.
    /// </returns>
    public FlatRelevance? Match(string query, IReadOnlyDictionary<long, WindowPaper> papers, List<FilterHit> hits, Func<bool>? spent = null)
    {
        _frequencies.Clear();
        if (_terms.Phrases(query, out var all, out var excluded) is { } phrases)
        {
            _matched.Clear();
            _postingsStore.Read(phrases);
            if (_postings.Match(phrases, all, _matched, spent, _frequencies, _scratch, excluded) is not { } flat)
                throw new SqliteException("interrupted: the query's budget is spent", SQLitePCL.raw.SQLITE_INTERRUPT);
            foreach (var (paper, relevance) in _matched)
                hits.Add(new FilterHit(paper, relevance, papers.TryGetValue(paper, out var p) ? p.Upvotes ?? 0 : 0));
            return flat;
        }
        _match.Parameters["$query"].Value = query;
        using var reader = _match.ExecuteReader();
        while (reader.Read())
        {
            var paper = reader.GetInt64(0);
            hits.Add(new FilterHit(paper, -reader.GetDouble(1), papers.TryGetValue(paper, out var p) ? p.Upvotes ?? 0 : 0));
        }
        return null;
    }

    /// <summary>The phrase frequencies of the last flat <see cref="Match"/>'s hits (see its return), until the next one.</summary>
    public ReadOnlySpan<double> Frequencies => CollectionsMarshal.AsSpan(_frequencies);

    /// <summary>
    /// For each (paper, FTS5 query, the query's number of matches) asked, the spans of the paper's abstract the query
    /// matched: flat start/end pairs (UTF-16 offsets, end exclusive, ascending); empty when it matched none there, when
    /// the paper is not in the window or when FTS5 refuses the query. Once the window's tokens are read
    /// (<see cref="ReadTokens"/>), a query of a simple shape is answered from them; the rest ask highlight().
    /// </summary>
    public int[][] Spans(IReadOnlyList<(long Paper, string Query, int Matches)> asked)
    {
        var spans = new int[asked.Count][];
        Array.Fill(spans, []);
        // Each query's asks together, by paper: two labels may share a query (a keyword typed as a topic's query),
        // and each gets the answer.
        var order = new int[asked.Count];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (x, y) =>
        {
            var byQuery = string.CompareOrdinal(asked[x].Query, asked[y].Query);
            return byQuery != 0 ? byQuery : asked[x].Paper.CompareTo(asked[y].Paper);
        });
        var shapes = _tokens is null ? null : WindowTokens.Shapes(Distinct(order, asked), _terms);
        for (var from = 0; from < order.Length;)
        {
            var (query, matches) = (asked[order[from]].Query, asked[order[from]].Matches);
            var to = from + 1;
            while (to < order.Length && asked[order[to]].Query == query) to++;
            var run = order.AsSpan(from, to - from);
            if (shapes is not null && shapes.TryGetValue(query, out var shape)) run = run[..Read(shape, run, asked, spans)];
            from = to;
            if (run.IsEmpty) continue;
            var papers = 1;
            for (var i = 1; i < run.Length; i++)
            {
                if (asked[run[i]].Paper != asked[run[i - 1]].Paper) papers++;
            }
            try
            {
                if (Seek(papers, matches)) AskEach(query, run, asked, spans);
                else AskAll(query, run, asked, spans);
            }
            catch (SqliteException)
            {
                // A query FTS5 refuses cannot have matched; the matcher already skipped it.
            }
            finally
            {
                _highlight.Reset();
                _highlightOne.Reset();
            }
        }
        return spans;
    }

    /// <summary>The window's abstract tokens once <see cref="ReadTokens"/> has read them.</summary>
    public WindowTokens? Tokens => _tokens;

    /// <summary>How this store's connection turns a flat query's words into the window's term numbers.</summary>
    public PhraseTermStore Terms => _terms;

    /// <summary>Reads the window's tokens (<see cref="WindowTokens"/>), so that <see cref="Spans"/> answers most asks from them.</summary>
    public void ReadTokens()
    {
        if (_tokens is not null) return;
        ReadPostings();
        _tokens = WindowTokens.Read(this, _postings, _terms);
    }

    private static IEnumerable<string> Distinct(int[] order, IReadOnlyList<(long Paper, string Query, int Matches)> asked)
    {
        for (var i = 0; i < order.Length; i++)
        {
            if (i == 0 || asked[order[i]].Query != asked[order[i - 1]].Query) yield return asked[order[i]].Query;
        }
    }

    /// <summary>
    /// Answers the asks of <paramref name="run"/> from the window's tokens; moves those only highlight() can answer to
    /// the run's front, in order, and returns how many.
    /// </summary>
    private int Read(WindowTokens.Shape shape, Span<int> run, IReadOnlyList<(long Paper, string Query, int Matches)> asked, int[][] spans)
    {
        var left = 0;
        for (var i = 0; i < run.Length; i++)
        {
            if (_tokens!.Marks(shape, asked[run[i]].Paper) is { } marks) spans[run[i]] = marks;
            else run[left++] = run[i];
        }
        return left;
    }

    /// <summary>A paper and its abstract (UTF-8).</summary>
    public delegate void TextRow(long paper, ReadOnlySpan<byte> text);

    /// <summary>Every abstract in the window, as the index holds it.</summary>
    public void Abstracts(TextRow each)
    {
        using var read = new SqliteStatement(Connection, "SELECT rowid, abstract FROM paper");
        while (read.Step()) each(read.Int64(0), read.Utf8(1));
    }

    /// <summary>
    /// Whether asking <paramref name="papers"/> papers one by one costs less than one evaluation of a query that
    /// matched <paramref name="matches"/> papers: FTS5 seeks a paper at about a fixed cost, while an evaluation walks
    /// every match, about two seeks' worth plus one for each 370 matches (measured at 1,000,000 readers,
    /// tests/BENCHMARKS.md, "Deciding the highlights at 1,000,000 readers").
    /// </summary>
    private static bool Seek(int papers, int matches) => (papers - 2) * 370 < matches;

    /// <summary>Asks the papers of <paramref name="run"/> (indexes into <paramref name="asked"/>, by paper) one by one.</summary>
    private void AskEach(string query, ReadOnlySpan<int> run, IReadOnlyList<(long Paper, string Query, int Matches)> asked, int[][] spans)
    {
        _highlightOne.Bind("@query", query);
        for (var i = 0; i < run.Length; i++)
        {
            var paper = asked[run[i]].Paper;
            if (i > 0 && paper == asked[run[i - 1]].Paper)
            {
                spans[run[i]] = spans[run[i - 1]];
                continue;
            }
            _highlightOne.Bind("@paper", paper);
            if (_highlightOne.Step()) spans[run[i]] = SpansOf(_highlightOne.Utf8(0));
            _highlightOne.Reset();
        }
    }

    /// <summary>Asks the papers of <paramref name="run"/> (indexes into <paramref name="asked"/>, by paper) in one evaluation of the query.</summary>
    private void AskAll(string query, ReadOnlySpan<int> run, IReadOnlyList<(long Paper, string Query, int Matches)> asked, int[][] spans)
    {
        var length = 0;
        Append((byte)'[');
        for (var i = 0; i < run.Length; i++)
        {
            var paper = asked[run[i]].Paper;
            if (i > 0 && paper == asked[run[i - 1]].Paper) continue;
            if (length > 1) Append((byte)',');
            int written;
            while (!Utf8Formatter.TryFormat(paper, _papers.AsSpan(length), out written)) Array.Resize(ref _papers, _papers.Length * 2);
            length += written;
        }
        Append((byte)']');
        _highlight.Bind("@query", query);
        _highlight.Bind("@papers", _papers.AsSpan(0, length));
        while (_highlight.Step())
        {
            var paper = _highlight.Int64(0);
            var found = SpansOf(_highlight.Utf8(1));
            // The run is by paper: find the paper's first ask, then give each of its asks the answer.
            int low = 0, high = run.Length;
            while (low < high)
            {
                var mid = (low + high) >>> 1;
                if (asked[run[mid]].Paper < paper) low = mid + 1;
                else high = mid;
            }
            for (; low < run.Length && asked[run[low]].Paper == paper; low++) spans[run[low]] = found;
        }

        void Append(byte b)
        {
            if (length == _papers.Length) Array.Resize(ref _papers, length * 2);
            _papers[length++] = b;
        }
    }

    /// <summary>The spans between the marks of highlight()'s answer (UTF-8), as UTF-16 offsets into the unmarked text.</summary>
    private int[] SpansOf(ReadOnlySpan<byte> marked)
    {
        _found.Clear();
        var offset = 0;
        // The marks are single bytes no other character's UTF-8 contains; the text between them is whole characters.
        for (var at = marked.IndexOfAny((byte)Start, (byte)End); at >= 0; at = marked.IndexOfAny((byte)Start, (byte)End))
        {
            offset += Encoding.UTF8.GetCharCount(marked[..at]);
            _found.Add(offset);
            marked = marked[(at + 1)..];
        }
        return _found.Count % 2 == 0 ? _found.ToArray() : [];
    }

    public void Dispose()
    {
        _match.Dispose();
        _terms.Dispose();
        _postingsStore.Dispose();
        _highlight.Dispose();
        _highlightOne.Dispose();
        Connection.Dispose();
    }
}
