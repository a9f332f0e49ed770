using System.Buffers;

namespace Newsletter.Matching;

/// <summary>
/// A window's index as term postings (paper, column, position), read from it by <see cref="WindowPostingsStore"/>: a
/// flat query (<see cref="FlatQuery"/>) is answered from them in managed code with FTS5's answer, bit for bit: the
/// same papers and the same bm25 as <c>bm25(paper, 5.0, 1.0, 1.0)</c>, whose every floating step is repeated here in
/// FTS5's order. What every query needs is read when the window is built: its terms (their numbers), each paper's
/// token count and the total. A term's postings are read the first time a query asks for it and kept for every later
/// query on the window, from any thread: a preview window of 30 days holds ~3,400,000 tokens, few of which any preview
/// asks for. A planning run asks ~100,000 distinct filters, most one word over a few thousand papers, and places every
/// abstract's tokens: it reads them all in one scan (<see cref="WindowPostingsStore.ReadAll"/>).
/// </summary>
internal sealed class WindowPostings
{
    // FTS5's bm25 constants and the column weights of WindowIndexStore's bm25 call, by column (title, abstract, authors).
    private const double K1 = 1.2, B = 0.75;
    private static readonly double[] Weights = [5.0, 1.0, 1.0];

    // The budget is asked after every this many postings a query takes up (about what FTS5 walks in SQLite's
    // 10,000 steps between checks): a clock reading each time costs nothing beside the walk.
    private const int PostingsPerCheck = 4096;

    // A posting as one sortable number: paper (its index in _rowids) << 40 | column << 32 | position.
    private const int PaperShift = 40, ColumnShift = 32;

    private readonly string[] _terms;
    // The term numbers in the index's own order (its terms' UTF-8 bytes): the n-th term a scan meets is _byIndex[n].
    private readonly int[] _byIndex;
    // Each term's postings by term number, ascending; null until read. Written once each (see Publish).
    private readonly long[]?[] _postings;
    private readonly long[] _rowids;
    // A paper's index by its rowid less the first's: a window's ids are one run, so no search per token.
    private readonly int[]? _papers;
    // Each paper's length term of bm25 (K1 * (1 - B + B * length / average)), by paper: computed once, it is the same
    // double every score of the paper divides by.
    private readonly double[] _norms;
    private volatile bool _complete;

    /// <param name="terms">The window's terms in the index's order.</param>
    /// <param name="rowids">The window's papers' rowids, ascending.</param>
    /// <param name="lengths">Each paper's tokens over all columns, as <paramref name="rowids"/>.</param>
    public WindowPostings(string[] terms, long[] rowids, int[] lengths)
    {
        _byIndex = new int[terms.Length];
        for (var i = 0; i < _byIndex.Length; i++) _byIndex[i] = i;
        // The index orders terms by their UTF-8 bytes, which orders a few characters unlike .NET's ordinal order that
        // the lookups (and a prefix's contiguous range) use.
        _terms = (string[])terms.Clone();
        Array.Sort(_terms, _byIndex, StringComparer.Ordinal);
        var numbers = new int[terms.Length];
        for (var number = 0; number < numbers.Length; number++) numbers[_byIndex[number]] = number;
        _byIndex = numbers;
        _postings = new long[]?[terms.Length];
        _rowids = rowids;
        if (rowids.Length > 0 && rowids[^1] - rowids[0] < 2L * rowids.Length + 1024)
        {
            _papers = new int[rowids[^1] - rowids[0] + 1];
            Array.Fill(_papers, -1);
            for (var paper = 0; paper < rowids.Length; paper++) _papers[rowids[paper] - rowids[0]] = paper;
        }
        long tokens = 0;
        foreach (var length in lengths) tokens += length;
        var averageLength = (double)tokens / (double)rowids.Length;
        _norms = new double[rowids.Length];
        for (var paper = 0; paper < rowids.Length; paper++) _norms[paper] = K1 * (1 - B + B * (double)lengths[paper] / averageLength);
    }

    /// <summary>The length term of bm25 for the paper <paramref name="rowid"/> of the window.</summary>
    public double Norm(long rowid) => _norms[PaperAt(rowid - FirstRowid)];

    /// <summary>One phrase's share of a paper's bm25 (fts5_aux.c's steps): its idf, its weighted frequency, the paper's <see cref="Norm"/>.</summary>
    public static double Bm25Term(double idf, double frequency, double norm) => idf * ((frequency * (K1 + 1.0)) / (frequency + norm));

    /// <summary>How many terms the window holds.</summary>
    public int Terms => _terms.Length;

    /// <summary>Whether every term's postings are read (<see cref="WindowPostingsStore.ReadAll"/>).</summary>
    public bool Complete => _complete;

    /// <summary>The term numbered <paramref name="number"/>.</summary>
    public string TermAt(int number) => _terms[number];

    /// <summary>The number of the <paramref name="index"/>-th term in the index's own order.</summary>
    public int NumberOf(int index) => _byIndex[index];

    /// <summary>Whether the postings of the term numbered <paramref name="number"/> are read.</summary>
    public bool IsRead(int number) => Volatile.Read(ref _postings[number]) is not null;

    /// <summary>
    /// Held while a store reads terms (<see cref="WindowPostingsStore"/>): stores asking at once (the previews after an
    /// ingest, all asking the topics' terms) read each term once between them, the others waiting and finding it read.
    /// </summary>
    public Lock Reading { get; } = new();

    /// <summary>The term's number (its place among the window's terms, in ordinal order), or -1 when no paper holds it.</summary>
    public int Term(string term)
    {
        var found = Array.BinarySearch(_terms, term, StringComparer.Ordinal);
        return found >= 0 ? found : -1;
    }

    /// <summary>The numbers [low, high) of the terms that start with <paramref name="prefix"/> (contiguous in ordinal order).</summary>
    public (int Low, int High) Prefixed(string prefix)
    {
        var low = Array.BinarySearch(_terms, prefix, StringComparer.Ordinal);
        if (low < 0) low = ~low;
        var high = low;
        while (high < _terms.Length && _terms[high].StartsWith(prefix, StringComparison.Ordinal)) high++;
        return (low, high);
    }

    /// <summary>
    /// Each paper's tokens in <paramref name="column"/> (0 title, 1 abstract, 2 authors) as term numbers by position, by
    /// rowid; -1 where the index holds no token at a position. A paper with no token there is left out.
    /// </summary>
    public Dictionary<long, int[]> Positions(int column)
    {
        if (!_complete) throw new InvalidOperationException("the window's postings are not all read (WindowPostingsStore.ReadAll)");
        var lengths = new int[_rowids.Length];
        foreach (var postings in _postings)
        {
            foreach (var posting in postings!)
            {
                if ((int)(posting >> ColumnShift & 0xFF) != column) continue;
                ref var length = ref lengths[(int)(posting >> PaperShift)];
                length = Math.Max(length, (int)(uint)posting + 1);
            }
        }
        var byPaper = new int[_rowids.Length][];
        for (var paper = 0; paper < byPaper.Length; paper++)
        {
            if (lengths[paper] == 0) continue;
            byPaper[paper] = new int[lengths[paper]];
            Array.Fill(byPaper[paper], -1);
        }
        for (var term = 0; term < _terms.Length; term++)
        {
            foreach (var posting in _postings[term]!)
            {
                if ((int)(posting >> ColumnShift & 0xFF) == column) byPaper[(int)(posting >> PaperShift)][(int)(uint)posting] = term;
            }
        }
        var positions = new Dictionary<long, int[]>();
        for (var paper = 0; paper < byPaper.Length; paper++)
        {
            if (byPaper[paper] is { } terms) positions.Add(_rowids[paper], terms);
        }
        return positions;
    }

    /// <summary>
    /// Adds each paper that the phrases (<paramref name="phrases"/>: per phrase its slots, each a range of term numbers
    /// one of which must stand at that position) match, all of them when <paramref name="all"/>, to
    /// <paramref name="hits"/> by rowid, with FTS5's bm25 flipped (higher is better). The last
    /// <paramref name="excluded"/> phrases are a NOT's (<see cref="FlatQuery"/>): a paper where one stands is left
    /// out, and they add nothing to a hit's bm25 (FTS5's sum for them is exactly 0 in every hit).
    /// </summary>
    /// <param name="frequencies">Given, each hit's phrases' weighted frequencies are added to it, one a phrase that scores.</param>
    /// <returns>
    /// How the hits' relevance is computed again from those frequencies; null, with no hits added, when
    /// <paramref name="spent"/> said the query's budget was spent.
    /// </returns>
    /// <remarks>
    /// A query's cost is bounded by what it asks and the window holds: each phrase walks its words' postings once (a
    /// word's at most all the window's tokens, a prefix's merged and sorted first), and a reader's query has at most
    /// <see cref="QueryOptions.MaxTerms"/> words and <see cref="QueryOptions.MaxPrefixTerms"/> prefixes of at least
    /// <see cref="QueryOptions.MinPrefixLength"/> letters (topics are the operator's catalog). The budget is asked as
    /// the postings are taken up, every <see cref="PostingsPerCheck"/>, so a query that walks many stops as FTS5's did.
    /// </remarks>
    public FlatRelevance? Match(IReadOnlyList<(int Low, int High)[]> phrases, bool all, List<(long Rowid, double Relevance)> hits,
        Func<bool>? spent, List<double>? frequencies = null, PostingsScratch? scratch = null, int excluded = 0)
    {
        scratch ??= new PostingsScratch();
        var count = phrases.Count - excluded; // the phrases that score
        var found = scratch.Found(phrases.Count);
        var idf = new double[count];
        var (taken, check) = (0L, (long)PostingsPerCheck);
        for (var i = 0; i < phrases.Count; i++)
        {
            var slots = phrases[i];
            var lists = scratch.Lists(slots.Length);
            for (var j = 0; j < slots.Length; j++)
            {
                lists[j] = Postings(slots[j], scratch, j);
                taken += lists[j].Count;
            }
            if (taken >= check && spent is not null)
            {
                check = taken + PostingsPerCheck;
                if (spent()) return null;
            }
            Instances(lists.AsSpan(0, slots.Length), found[i], scratch.Cursors(slots.Length));
            if (i >= count) continue;
            // FTS5 counts the rows a phrase matches over the whole table; a negative idf (a phrase in more than
            // half the rows) is replaced by a tiny positive one.
            long rows = _rowids.Length, matched = found[i].Count;
            var value = Math.Log((rows - matched + 0.5) / (matched + 0.5));
            idf[i] = value <= 0.0 ? 1e-6 : value;
        }
        var heads = scratch.Heads(phrases.Count);
        while (true)
        {
            var paper = int.MaxValue;
            var present = 0;
            for (var i = 0; i < count; i++)
            {
                if (heads[i] >= found[i].Count) continue;
                var at = found[i][heads[i]].Paper;
                if (at < paper) (paper, present) = (at, 1);
                else if (at == paper) present++;
            }
            if (paper == int.MaxValue) break;
            if ((!all || present == count) && !Excluded(paper, found, heads, count, phrases.Count))
            {
                hits.Add((_rowids[paper], Score(paper, found, heads, idf)));
                for (var i = 0; i < count && frequencies is not null; i++) frequencies.Add(Frequency(found[i], heads[i], paper));
            }
            for (var i = 0; i < count; i++)
            {
                if (heads[i] < found[i].Count && found[i][heads[i]].Paper == paper) heads[i]++;
            }
        }
        return new FlatRelevance(this, idf);
    }

    /// <summary>
    /// Whether one of the excluded phrases (<paramref name="from"/> to <paramref name="to"/>) stands in
    /// <paramref name="paper"/>, moving their heads up to it: papers are asked in ascending order.
    /// </summary>
    private static bool Excluded(int paper, List<(int Paper, double Frequency)>[] found, Span<int> heads, int from, int to)
    {
        var standing = false;
        for (var i = from; i < to; i++)
        {
            var list = found[i];
            ref var head = ref heads[i];
            while (head < list.Count && list[head].Paper < paper) head++;
            standing |= head < list.Count && list[head].Paper == paper;
        }
        return standing;
    }

    /// <summary>FTS5's bm25 of <paramref name="paper"/> (fts5_aux.c's steps, in its order), before FTS5 negates it.</summary>
    private double Score(int paper, List<(int Paper, double Frequency)>[] found, ReadOnlySpan<int> heads, double[] idf)
    {
        var norm = _norms[paper];
        var score = 0.0;
        for (var i = 0; i < idf.Length; i++) score += Bm25Term(idf[i], Frequency(found[i], heads[i], paper), norm);
        return score;
    }

    /// <summary>The phrase's weighted frequency in <paramref name="paper"/> (its list's head), or 0 where it does not stand.</summary>
    private static double Frequency(List<(int Paper, double Frequency)> found, int head, int paper) =>
        head < found.Count && found[head].Paper == paper ? found[head].Frequency : 0.0;

    /// <summary>
    /// Adds to <paramref name="found"/> the papers where a phrase stands (<paramref name="lists"/>: its words' postings,
    /// one list a word), by paper, each with its instances' column weights summed: one instance per position where the
    /// first word starts it, the words on consecutive positions of one column.
    /// </summary>
    private static void Instances(ReadOnlySpan<ArraySegment<long>> lists, List<(int Paper, double Frequency)> found, Span<int> cursors)
    {
        foreach (var first in lists[0])
        {
            var stands = true;
            for (var j = 1; j < lists.Length && stands; j++)
            {
                var list = lists[j];
                ref var at = ref cursors[j];
                while (at < list.Count && list[at] < first + j) at++;
                stands = at < list.Count && list[at] == first + j;
            }
            if (!stands) continue;
            var paper = (int)(first >> PaperShift);
            var weight = Weights[(int)(first >> ColumnShift) & 0xFF];
            if (found.Count > 0 && found[^1].Paper == paper) found[^1] = (paper, found[^1].Frequency + weight);
            else found.Add((paper, weight));
        }
    }

    /// <summary>
    /// The postings of the terms numbered [low, high), in order: one term's as they are, a prefix's merged into the
    /// buffer <paramref name="scratch"/> keeps for the phrase's word <paramref name="word"/>.
    /// </summary>
    private ArraySegment<long> Postings((int Low, int High) terms, PostingsScratch scratch, int word)
    {
        if (terms.High <= terms.Low) return ArraySegment<long>.Empty;
        if (terms.High - terms.Low == 1) return Read(terms.Low);
        var count = 0;
        for (var term = terms.Low; term < terms.High; term++) count += Read(term).Length;
        var merged = scratch.Merged(word, count);
        count = 0;
        for (var term = terms.Low; term < terms.High; term++)
        {
            var postings = Read(term);
            postings.CopyTo(merged, count);
            count += postings.Length;
        }
        Array.Sort(merged, 0, count);
        return new ArraySegment<long>(merged, 0, count);
    }

    private long[] Read(int term) =>
        Volatile.Read(ref _postings[term]) ?? throw new InvalidOperationException($"the postings of term {term} are not read (WindowPostingsStore.Read)");

    /// <summary>Keeps <paramref name="postings"/> (ascending) as the term's, once (reads are one at a time: <see cref="Reading"/>).</summary>
    private void Publish(int term, long[] postings) => Interlocked.CompareExchange(ref _postings[term], postings, null);

    /// <summary>Notes that every term's postings are read (checked: a scan that met fewer terms throws).</summary>
    public void MarkComplete()
    {
        for (var term = 0; term < _postings.Length; term++)
        {
            if (Volatile.Read(ref _postings[term]) is null) throw new InvalidOperationException($"the scan missed term {_terms[term]}");
        }
        _complete = true;
    }

    /// <summary>
    /// Gathers one term's tokens at a time as the index lists them (by paper, column and position) and publishes
    /// them as the term's postings, each term's array made once at its exact size. One a reading thread.
    /// </summary>
    public sealed class Collector(WindowPostings window)
    {
        // Rented for a read and given back after it (Release): a request's store reads a few terms, the common ones
        // 100,000 tokens or more, and a buffer of its own grown for each would be garbage on the large-object heap.
        private long[] _buffer = [];
        private int _count;

        /// <summary>
        /// One token of the current term, packed (see <see cref="RowShift"/>) from the row it is in, its column's name
        /// length (title 5, abstract 8, authors 7) and its position.
        /// </summary>
        public void Token(long packed)
        {
            if (_count == _buffer.Length) Grow();
            var paper = window.PaperAt(packed >> RowShift);
            var column = (long)ColumnByNameLength[(int)(packed >> NameShift) & 0xF];
            _buffer[_count++] = (long)paper << PaperShift | column << ColumnShift | (packed & PositionMask);
        }

        private void Grow()
        {
            var larger = ArrayPool<long>.Shared.Rent(Math.Max(4096, _buffer.Length * 2));
            _buffer.AsSpan(0, _count).CopyTo(larger);
            if (_buffer.Length > 0) ArrayPool<long>.Shared.Return(_buffer);
            _buffer = larger;
        }

        /// <summary>Publishes the tokens gathered since the last call as the postings of the term numbered <paramref name="term"/>.</summary>
        public void Publish(int term)
        {
            var postings = _buffer.AsSpan(0, _count).ToArray();
            _count = 0;
            // A phrase's words are found by walking their postings in order: each term's must be ascending.
            for (var i = 1; i < postings.Length; i++)
            {
                if (postings[i] > postings[i - 1]) continue;
                Array.Sort(postings);
                break;
            }
            window.Publish(term, postings);
        }

        /// <summary>Drops the tokens gathered since the last publish (a read that was interrupted) and gives the buffer back.</summary>
        public void Release()
        {
            _count = 0;
            if (_buffer.Length > 0) ArrayPool<long>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    /// <summary>
    /// How <see cref="WindowPostingsStore"/> packs a token into one integer in SQL (one column read a row, not three:
    /// the rows are most of a read's cost): its row less the window's first (<see cref="FirstRowid"/>) from bit 34,
    /// its column's name length from bit 30, its position below.
    /// </summary>
    public const int RowShift = 34, NameShift = 30;
    private const long PositionMask = (1L << NameShift) - 1;
    // A column by its name's length: title (5) 0, abstract (8) 1, authors (7) 2. fts5vocab names the column, and a
    // CASE of string compares in SQL cost a sixth of a scan.
    private static readonly int[] ColumnByNameLength = [2, 2, 2, 2, 2, 0, 2, 2, 1, 2, 2, 2, 2, 2, 2, 2];

    /// <summary>The window's first rowid, which packed tokens count from (0 for an empty window).</summary>
    public long FirstRowid => _rowids.Length > 0 ? _rowids[0] : 0;

    /// <summary>A paper's index among the window's by its rowid less the first's.</summary>
    private int PaperAt(long offset)
    {
        var paper = _papers is null ? Array.BinarySearch(_rowids, FirstRowid + offset)
            : offset >= 0 && offset < _papers.Length ? _papers[offset] : -1;
        return paper >= 0 ? paper : throw new InvalidOperationException($"the index holds row {FirstRowid + offset}, not among the window's papers");
    }
}
