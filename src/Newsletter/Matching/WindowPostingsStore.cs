using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Microsoft.Data.Sqlite;
using Newsletter.Storage;

namespace Newsletter.Matching;

/// <summary>
/// Reads a window's index (made by <see cref="WindowIndexStore.Build"/>) into its <see cref="WindowPostings"/>: when
/// the window is built, its terms and each paper's token count (<see cref="Read(SqliteConnection, IEnumerable{long})"/>);
/// later, on a store's own connection, the postings of the terms a query asks for that no query asked before
/// (<see cref="Read(IReadOnlyList{ValueTuple{int, int}[]})"/>), or every term's in one scan (<see cref="ReadAll"/>).
/// Each term is read once for the window, so all reads together cost one scan of its index: the matcher reads them
/// outside a query's time budget (<c>WindowMatcher.ReadPostings</c>), as the window's cost, not the asker's.
/// </summary>
internal sealed class WindowPostingsStore(SqliteConnection connection, WindowPostings postings) : IDisposable
{
    private SqliteStatement? _term, _range, _all;
    private WindowPostings.Collector? _collector;

    /// <summary>
    /// The terms of the index on <paramref name="keeper"/> (whose papers' rowids are <paramref name="rowids"/>) and
    /// each paper's token count, with no term's postings read yet.
    /// </summary>
    public static WindowPostings Read(SqliteConnection keeper, IEnumerable<long> rowids)
    {
        var ids = rowids.Order().ToArray();
        var terms = new List<string>();
        // Only the term is read: fts5vocab then walks each term's papers but not their positions.
        using (var read = new SqliteStatement(keeper, "SELECT term FROM paper_terms"))
        {
            while (read.Step()) terms.Add(Encoding.UTF8.GetString(read.Utf8(0)));
        }
        return new WindowPostings([.. terms], ids, Lengths(keeper, ids));
    }

    /// <summary>
    /// Each paper's tokens over all its columns, by <paramref name="rowids"/>: FTS5's own sizes (<c>paper_docsize</c>,
    /// a varint a column), the ones its bm25 divides by.
    /// </summary>
    private static int[] Lengths(SqliteConnection keeper, long[] rowids)
    {
        var lengths = new int[rowids.Length];
        using var read = new SqliteStatement(keeper, "SELECT id, sz FROM paper_docsize ORDER BY id");
        var paper = 0;
        while (read.Step())
        {
            if (paper >= rowids.Length || read.Int64(0) != rowids[paper]) throw new InvalidOperationException($"the index's sizes hold row {read.Int64(0)}, not the window's next paper");
            var sizes = read.Utf8(1);
            var total = 0L;
            for (var at = 0; at < sizes.Length;)
            {
                // SQLite's varint: 7 bits a byte, high bit set on all but the last (up to 8 such bytes, then a 9th of 8 bits).
                var value = 0L;
                for (var n = 0; at < sizes.Length; n++)
                {
                    var b = sizes[at++];
                    if (n == 8) { value = value << 8 | b; break; }
                    value = value << 7 | (long)(b & 0x7F);
                    if ((b & 0x80) == 0) break;
                }
                total += value;
            }
            lengths[paper++] = checked((int)total);
        }
        if (paper != rowids.Length) throw new InvalidOperationException($"the index holds sizes of {paper} papers, not the window's {rowids.Length}");
        return lengths;
    }

    /// <summary>Reads the postings of every term of <paramref name="phrases"/>' slots (term number ranges) not read yet.</summary>
    public void Read(IReadOnlyList<(int Low, int High)[]> phrases)
    {
        if (postings.Complete || AllRead(phrases)) return;
        // One store reads at a time, so a term asked by several at once is read once; each term's read is bounded,
        // and all of them together are one scan of the window's index.
        lock (postings.Reading) ReadUnread(phrases);
    }

    private bool AllRead(IReadOnlyList<(int Low, int High)[]> phrases)
    {
        foreach (var slots in phrases)
        {
            foreach (var (low, high) in slots)
            {
                for (var term = low; term < high; term++)
                {
                    if (!postings.IsRead(term)) return false;
                }
            }
        }
        return true;
    }

    private void ReadUnread(IReadOnlyList<(int Low, int High)[]> phrases)
    {
        foreach (var slots in phrases)
        {
            foreach (var (low, high) in slots)
            {
                var unread = 0;
                for (var term = low; term < high; term++)
                {
                    if (!postings.IsRead(term)) unread++;
                }
                if (unread == 1 || high - low == 1)
                {
                    for (var term = low; term < high; term++)
                    {
                        if (!postings.IsRead(term)) ReadTerm(term);
                    }
                }
                else if (unread > 1) ReadRange(low, high);
            }
        }
    }

    /// <summary>One term's postings, FTS5 seeking the term in its index (not scanning it).</summary>
    private void ReadTerm(int term)
    {
        // All in one row, as text: a row handed to .NET costs more than SQLite's printing and our parsing of a number.
        _term ??= new SqliteStatement(connection, $"SELECT group_concat({Packed}) FROM paper_tokens WHERE term = @term");
        var collector = _collector ??= new WindowPostings.Collector(postings);
        try
        {
            _term.Bind("@term", postings.TermAt(term));
            _term.Bind("@first", postings.FirstRowid);
            if (_term.Step())
            {
                for (var text = _term.Utf8(0); !text.IsEmpty;)
                {
                    if (!Utf8Parser.TryParse(text, out long packed, out var used)) throw new InvalidOperationException("fts5vocab gave a token that is not a number");
                    collector.Token(packed);
                    text = used < text.Length ? text[(used + 1)..] : default;
                }
            }
            collector.Publish(term);
        }
        finally
        {
            collector.Release();
            _term.Reset();
        }
    }

    /// <summary>
    /// The postings of the terms numbered [<paramref name="low"/>, <paramref name="high"/>) (a prefix's: contiguous in
    /// the index's byte order too), in one statement that FTS5 answers from the first of them on.
    /// </summary>
    private void ReadRange(int low, int high)
    {
        _range ??= new SqliteStatement(connection, $"SELECT term, {Packed} FROM paper_tokens WHERE term >= @low AND term <= @high");
        byte[]? first = null, last = null;
        for (var term = low; term < high; term++)
        {
            var bytes = Encoding.UTF8.GetBytes(postings.TermAt(term));
            if (first is null || bytes.AsSpan().SequenceCompareTo(first) < 0) first = bytes;
            if (last is null || bytes.AsSpan().SequenceCompareTo(last) > 0) last = bytes;
        }
        _range.Bind("@low", first);
        _range.Bind("@high", last);
        Scan(_range, number: null);
    }

    /// <summary>
    /// Reads every term's postings in one scan of the index (a planning run asks nearly every term, and places every
    /// abstract's tokens): term by term in the index's order, each term's by paper, column and position.
    /// </summary>
    public void ReadAll()
    {
        if (postings.Complete) return;
        lock (postings.Reading)
        {
            if (postings.Complete) return;
            _all ??= new SqliteStatement(connection, $"SELECT term, {Packed} FROM paper_tokens");
            Scan(_all, postings.NumberOf);
            postings.MarkComplete();
        }
    }

    /// <summary>
    /// Publishes the postings of each term <paramref name="read"/> (term, doc, col, offset, term by term) yields, a
    /// term's number found by its place in the index's order (<paramref name="number"/>) or else by its text.
    /// </summary>
    private void Scan(SqliteStatement read, Func<int, int>? number)
    {
        read.Bind("@first", postings.FirstRowid);
        var collector = _collector ??= new WindowPostings.Collector(postings);
        try
        {
            var (index, term) = (-1, -1);
            var last = new ArrayBufferWriter<byte>();
            while (read.Step())
            {
                var bytes = read.Utf8(0);
                if (index < 0 || !last.WrittenSpan.SequenceEqual(bytes))
                {
                    if (term >= 0) collector.Publish(term);
                    index++;
                    last.ResetWrittenCount();
                    last.Write(bytes);
                    term = number?.Invoke(index) ?? postings.Term(Encoding.UTF8.GetString(bytes));
                    // A term an earlier query has read already is not read again.
                    if (term >= 0 && postings.IsRead(term)) term = -1;
                }
                if (term >= 0) collector.Token(read.Int64(1));
            }
            if (term >= 0) collector.Publish(term);
        }
        finally
        {
            collector.Release();
            read.Reset();
        }
    }

    // A token as one integer (see WindowPostings.RowShift): its row counted from the window's first, its column's
    // name length, its position. Bracketed: SQL's << and | bind alike, left to right.
    private static readonly string Packed = $"((doc - @first) << {WindowPostings.RowShift}) | (length(col) << {WindowPostings.NameShift}) | offset";

    public void Dispose()
    {
        _term?.Dispose();
        _range?.Dispose();
        _all?.Dispose();
    }
}
