namespace Newsletter.ForYou;

/// <summary>
/// The TF-IDF index of one window of papers (a planning run's new papers), built once per run and shared by every
/// reader with marks: each term's IDF (in the powers a profile and a paper weigh it), and each paper's
/// unit vector as its terms in term order, the weights contiguous. A <see cref="TasteScorer"/> scores a reader's
/// model against it.
/// </summary>
public sealed class WindowTerms
{
    // The profile's terms are weighted by IDF cubed, the papers' by IDF once: a reader's common thread is often a
    // fairly common word ("agent"), and the extra weight lets the rarer words their liked papers share decide the
    // order (for-you at k = 5: IDF squared 0.59, squared against IDF^1.5 for papers 0.59, cubed 0.60; see
    // tests/BENCHMARKS.md).
    private const float ProfileIdfPower = 3f;

    private readonly long[] _ids;
    // A paper's position by id: an array over the ids' span when they are about as many as it (a window is one run of
    // sequence numbers; planning asks this for every paper a marked reader's filters matched), else a dictionary.
    private readonly long _first;
    private readonly int[]? _byOffset;
    private readonly Dictionary<long, int>? _index;
    // Each term's number by key, open-addressed: a slot holds a key and 1 + its term (0: empty), found from the key's
    // top bits (Fibonacci hashing), the next slot on a collision. One read where a dictionary takes two (its bucket,
    // then its entry): planning looks up every profile term of every marked reader (tests/BENCHMARKS.md, "The taste
    // step's CPU": loading models -35%).
    private readonly (ulong Key, int TermPlusOne)[] _slots;
    private readonly int _slotShift;

    /// <summary>Indexes <paramref name="papers"/> (id, title, abstract).</summary>
    public WindowTerms(IReadOnlyList<(long Id, string Title, string Abstract)> papers)
    {
        _ids = new long[papers.Count];
        var termKeys = new Dictionary<ulong, int>();
        var vectors = new (int Term, float Weight)[papers.Count][];
        var df = new List<int>();
        for (var i = 0; i < papers.Count; i++)
        {
            _ids[i] = papers[i].Id;
            var terms = PaperTerms.KeysOf(papers[i].Title, papers[i].Abstract);
            var vector = new (int Term, float Weight)[terms.Count];
            var at = 0;
            foreach (var (key, weight) in terms)
            {
                if (!termKeys.TryGetValue(key, out var t))
                {
                    termKeys[key] = t = df.Count;
                    df.Add(0);
                }
                df[t]++;
                vector[at++] = (t, weight);
            }
            vectors[i] = vector;
        }
        // Smoothed IDF; a term no window paper has gets the rarest weight, so a profile's norm counts it too.
        Idf = df.Select(d => (float)(Math.Log((papers.Count + 1.0) / (d + 1.0)) + 1)).ToArray();
        UnseenIdf = (float)(Math.Log(papers.Count + 1.0) + 1);
        ProfileIdf = Idf.Select(idf => MathF.Pow(idf, ProfileIdfPower)).ToArray();
        ProfileIdfPrecise = Idf.Select(idf => Math.Pow(idf, ProfileIdfPower)).ToArray();
        UnseenProfileIdf = Math.Pow(UnseenIdf, ProfileIdfPower);

        (_first, _byOffset, _index) = Positions(_ids);
        (_slots, _slotShift) = Slots(termKeys);

        // Each paper's vector (weights times IDF, unit length) in term order.
        PaperStart = new int[papers.Count + 1];
        var total = vectors.Sum(v => v.Length);
        PaperTerm = new int[total];
        PaperWeight = new float[total];
        for (var i = 0; i < vectors.Length; i++)
        {
            var vector = vectors[i];
            Array.Sort(vector);
            double norm = 0;
            foreach (var (term, weight) in vector)
            {
                var scaled = weight * Idf[term];
                norm += (double)scaled * scaled;
            }
            var scale = norm == 0 ? 0 : (float)(1 / Math.Sqrt(norm));
            var start = PaperStart[i];
            PaperStart[i + 1] = start + vector.Length;
            for (var j = 0; j < vector.Length; j++)
            {
                var (term, weight) = vector[j];
                var scaled = weight * Idf[term] * scale;
                PaperTerm[start + j] = term;
                PaperWeight[start + j] = scaled;
            }
        }
    }

    /// <summary>How many papers the window holds.</summary>
    public int Count => _ids.Length;

    /// <summary>The id of the window's <paramref name="index"/>-th paper.</summary>
    public long IdAt(int index) => _ids[index];

    /// <summary>The position of a paper in the window, or -1.</summary>
    public int IndexOf(long paperId)
    {
        if (_byOffset is not { } byOffset) return _index!.TryGetValue(paperId, out var i) ? i : -1;
        var offset = (ulong)(paperId - _first);
        return offset < (ulong)byOffset.Length ? byOffset[offset] - 1 : -1;
    }

    /// <summary>How many distinct terms the window's papers hold.</summary>
    public int TermCount => Idf.Length;

    /// <summary>The number of the term with <see cref="PaperTerms.Key"/> <paramref name="key"/> (the form a stored model names it in), or -1.</summary>
    internal int TermOf(ulong key)
    {
        var mask = _slots.Length - 1;
        for (var at = (int)((key * 0x9E3779B97F4A7C15UL) >> _slotShift); ; at = (at + 1) & mask)
        {
            var (slotKey, termPlusOne) = _slots[at];
            if (termPlusOne == 0) return -1;
            if (slotKey == key) return termPlusOne - 1;
        }
    }

    // The index as arrays, read by TasteScorer (same folder): terms are numbered 0..TermCount-1.
    internal float[] Idf { get; }
    internal float UnseenIdf { get; }
    internal float[] ProfileIdf { get; }
    internal double[] ProfileIdfPrecise { get; }
    internal double UnseenProfileIdf { get; }

    /// <summary>Paper i's terms and weights are at [PaperStart[i], PaperStart[i + 1]), in term order.</summary>
    internal int[] PaperStart { get; }
    internal int[] PaperTerm { get; }
    internal float[] PaperWeight { get; }

    /// <summary>The open-addressed table of <see cref="TermOf"/>: at least twice as many slots as terms, so runs stay short.</summary>
    private static ((ulong, int)[] Slots, int Shift) Slots(Dictionary<ulong, int> terms)
    {
        var bits = 1;
        while (1 << bits < 2 * terms.Count) bits++;
        var slots = new (ulong Key, int TermPlusOne)[1 << bits];
        foreach (var (key, term) in terms)
        {
            var at = (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - bits));
            while (slots[at].TermPlusOne != 0) at = (at + 1) & (slots.Length - 1);
            slots[at] = (key, term + 1);
        }
        return (slots, 64 - bits);
    }

    /// <summary>The lookup of a paper's position: 1 + position by id - first over the span when dense, else by id.</summary>
    private static (long First, int[]? ByOffset, Dictionary<long, int>? Index) Positions(long[] ids)
    {
        if (ids.Length == 0) return (0, [], null);
        long first = ids.Min(), last = ids.Max();
        if (last - first < 2L * ids.Length + 64)
        {
            var byOffset = new int[last - first + 1];
            for (var i = 0; i < ids.Length; i++) byOffset[ids[i] - first] = i + 1;
            return (first, byOffset, null);
        }
        var index = new Dictionary<long, int>(ids.Length);
        for (var i = 0; i < ids.Length; i++) index[ids[i]] = i;
        return (first, null, index);
    }
}
