namespace Newsletter.Matching;

/// <summary>
/// Every token of a window's index, read once (<see cref="WindowIndexStore.Postings"/>): per term its postings
/// (paper, column, position), per paper its tokens. A flat query (<see cref="FlatQuery"/>) is answered from them in
/// managed code with FTS5's answer, bit for bit: the same papers and the same bm25 as
/// <c>bm25(paper, 5.0, 1.0, 1.0)</c>, whose every floating step is repeated here in FTS5's order. A planning run
/// asks ~100,000 distinct filters, most one word over a few thousand papers: an FTS5 statement each was mostly its
/// fixed cost. Immutable once read, so shared by every store on the window.
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
    private readonly int[] _starts;
    private readonly long[] _postings;
    private readonly long[] _rowids;
    // Each paper's length term of bm25 (K1 * (1 - B + B * length / average)), by rowid from the lowest: computed once,
    // it is the same double every score of the paper divides by.
    private readonly double[] _norms;

    private WindowPostings(string[] terms, int[] starts, long[] postings, long[] rowids, int[] lengths, long tokens)
    {
        (_terms, _starts, _postings, _rowids) = (terms, starts, postings, rowids);
        var averageLength = (double)tokens / (double)rowids.Length;
        _norms = new double[rowids.Length == 0 ? 0 : rowids[^1] - rowids[0] + 1];
        for (var paper = 0; paper < rowids.Length; paper++)
            _norms[rowids[paper] - rowids[0]] = K1 * (1 - B + B * (double)lengths[paper] / averageLength);
    }

    /// <summary>The length term of bm25 for the paper <paramref name="rowid"/> of the window.</summary>
    public double Norm(long rowid) => _norms[rowid - _rowids[0]];

    /// <summary>One phrase's share of a paper's bm25 (fts5_aux.c's steps): its idf, its weighted frequency, the paper's <see cref="Norm"/>.</summary>
    public static double Bm25Term(double idf, double frequency, double norm) => idf * ((frequency * (K1 + 1.0)) / (frequency + norm));

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
        var lengths = new int[_rowids.Length];
        foreach (var posting in _postings)
        {
            if ((int)(posting >> ColumnShift & 0xFF) != column) continue;
            ref var length = ref lengths[(int)(posting >> PaperShift)];
            length = Math.Max(length, (int)(uint)posting + 1);
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
            for (var i = _starts[term]; i < _starts[term + 1]; i++)
            {
                var posting = _postings[i];
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
    /// <paramref name="hits"/> by rowid, with FTS5's bm25 flipped (higher is better).
    /// </summary>
    /// <param name="frequencies">Given, each hit's phrases' weighted frequencies are added to it, one a phrase.</param>
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
        Func<bool>? spent, List<double>? frequencies = null)
    {
        var found = new List<(int Paper, double Frequency)>[phrases.Count];
        var idf = new double[phrases.Count];
        var (taken, check) = (0L, (long)PostingsPerCheck);
        for (var i = 0; i < phrases.Count; i++)
        {
            var slots = phrases[i];
            var lists = new ArraySegment<long>[slots.Length];
            for (var j = 0; j < slots.Length; j++)
            {
                lists[j] = Postings(slots[j]);
                taken += lists[j].Count;
            }
            if (taken >= check && spent is not null)
            {
                check = taken + PostingsPerCheck;
                if (spent()) return null;
            }
            found[i] = Instances(lists);
            // FTS5 counts the rows a phrase matches over the whole table; a negative idf (a phrase in more than
            // half the rows) is replaced by a tiny positive one.
            long rows = _rowids.Length, matched = found[i].Count;
            var value = Math.Log((rows - matched + 0.5) / (matched + 0.5));
            idf[i] = value <= 0.0 ? 1e-6 : value;
        }
        var heads = new int[phrases.Count];
        while (true)
        {
            var paper = int.MaxValue;
            var present = 0;
            for (var i = 0; i < found.Length; i++)
            {
                if (heads[i] >= found[i].Count) continue;
                var at = found[i][heads[i]].Paper;
                if (at < paper) (paper, present) = (at, 1);
                else if (at == paper) present++;
            }
            if (paper == int.MaxValue) break;
            if (!all || present == found.Length)
            {
                hits.Add((_rowids[paper], Score(paper, found, heads, idf)));
                for (var i = 0; i < found.Length && frequencies is not null; i++) frequencies.Add(Frequency(found[i], heads[i], paper));
            }
            for (var i = 0; i < found.Length; i++)
            {
                if (heads[i] < found[i].Count && found[i][heads[i]].Paper == paper) heads[i]++;
            }
        }
        return new FlatRelevance(this, idf);
    }

    /// <summary>FTS5's bm25 of <paramref name="paper"/> (fts5_aux.c's steps, in its order), before FTS5 negates it.</summary>
    private double Score(int paper, List<(int Paper, double Frequency)>[] found, int[] heads, double[] idf)
    {
        var norm = _norms[_rowids[paper] - _rowids[0]];
        var score = 0.0;
        for (var i = 0; i < found.Length; i++) score += Bm25Term(idf[i], Frequency(found[i], heads[i], paper), norm);
        return score;
    }

    /// <summary>The phrase's weighted frequency in <paramref name="paper"/> (its list's head), or 0 where it does not stand.</summary>
    private static double Frequency(List<(int Paper, double Frequency)> found, int head, int paper) =>
        head < found.Count && found[head].Paper == paper ? found[head].Frequency : 0.0;

    /// <summary>
    /// The papers where a phrase stands (<paramref name="lists"/>: its words' postings, one list a word), by paper,
    /// each with its instances' column weights summed: one instance per position where the first word starts it, the
    /// words on consecutive positions of one column.
    /// </summary>
    private static List<(int Paper, double Frequency)> Instances(ArraySegment<long>[] lists)
    {
        var cursors = new int[lists.Length];
        var found = new List<(int Paper, double Frequency)>();
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
        return found;
    }

    /// <summary>The postings of the terms numbered [low, high), in order: one term's as they are, a prefix's merged.</summary>
    private ArraySegment<long> Postings((int Low, int High) terms)
    {
        if (terms.High <= terms.Low) return ArraySegment<long>.Empty;
        var (from, to) = (_starts[terms.Low], _starts[terms.High]);
        if (terms.High - terms.Low == 1) return new ArraySegment<long>(_postings, from, to - from);
        var merged = _postings[from..to];
        Array.Sort(merged);
        return merged;
    }

    /// <summary>Gathers a window's tokens as its index lists them (term by term, each term's by paper, column and position).</summary>
    public sealed class Builder(IEnumerable<long> rowids)
    {
        private readonly long[] _rowids = rowids.Order().ToArray();
        private readonly List<string> _terms = [];
        private readonly List<int> _starts = [];
        private readonly List<long> _postings = [];
        private int[]? _lengths;
        private long _tokens;

        /// <summary>Starts the postings of a new term; the index lists each term once.</summary>
        public void Term(string term)
        {
            _terms.Add(term);
            _starts.Add(_postings.Count);
        }

        /// <summary>One token of the current term: the row it is in, its column (0 title, 1 abstract, 2 authors) and position.</summary>
        public void Token(long rowid, int column, int position)
        {
            _lengths ??= new int[_rowids.Length];
            var paper = Array.BinarySearch(_rowids, rowid);
            if (paper < 0) throw new InvalidOperationException($"the index holds row {rowid}, not among the window's papers");
            _lengths[paper]++;
            _tokens++;
            _postings.Add((long)paper << PaperShift | (long)column << ColumnShift | (uint)position);
        }

        public WindowPostings Build()
        {
            var terms = _terms.ToArray();
            var starts = new int[terms.Length + 1];
            _starts.CopyTo(starts);
            starts[^1] = _postings.Count;
            var postings = _postings.ToArray();
            // The index lists terms by their UTF-8 bytes, which orders a few characters unlike .NET's ordinal order
            // that the lookups use: put the terms (and their postings) in ordinal order when it differs.
            var order = Enumerable.Range(0, terms.Length).ToArray();
            var sorted = (string[])terms.Clone();
            Array.Sort(sorted, order, StringComparer.Ordinal);
            if (!order.SequenceEqual(Enumerable.Range(0, terms.Length)))
            {
                var moved = new long[postings.Length];
                var movedStarts = new int[starts.Length];
                for (var t = 0; t < order.Length; t++)
                {
                    var (from, to) = (starts[order[t]], starts[order[t] + 1]);
                    movedStarts[t + 1] = movedStarts[t] + (to - from);
                    Array.Copy(postings, from, moved, movedStarts[t], to - from);
                }
                (postings, starts) = (moved, movedStarts);
            }
            // A phrase's words are found by walking their postings in order: each term's must be ascending.
            for (var t = 0; t < terms.Length; t++)
            {
                var postingsOfTerm = postings.AsSpan(starts[t], starts[t + 1] - starts[t]);
                for (var i = 1; i < postingsOfTerm.Length; i++)
                {
                    if (postingsOfTerm[i] > postingsOfTerm[i - 1]) continue;
                    postingsOfTerm.Sort();
                    break;
                }
            }
            return new WindowPostings(sorted, starts, postings, _rowids, _lengths ?? new int[_rowids.Length], _tokens);
        }
    }
}
