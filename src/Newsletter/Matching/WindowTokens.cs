using System.Buffers;
using System.Text;

namespace Newsletter.Matching;

/// <summary>
/// The window's abstracts as its index tokenised them, read once a run (<see cref="Read"/>): each paper's terms by
/// position, from one scan of the index, and each token's place in the text, from a splitter that cuts where the
/// index's tokenizer cuts. The highlights of a query made only of phrases joined by OR, or only by AND, are then read
/// off these tokens (<see cref="Marks"/>): what FTS5's highlight() gives, without tokenising the abstract again for
/// every (paper, query) asked — a run at 1,000,000 readers asks ~370,000 of a window of 2,000 papers.
/// </summary>
internal sealed class WindowTokens
{
    // A character as the tokenizer treats it: a token starts at and goes on over Start; Within (a diacritic) only
    // goes on over one; Separator ends it. Learnt from FTS5 itself for each character the abstracts hold, so the
    // splitter agrees with the SQLite build whatever Unicode version .NET knows.
    private enum Class : byte { Unknown, Separator, Start, Within }

    // The abstracts' terms in ordinal order: a term's id is its place, so the terms a prefix matches are one range of ids.
    private readonly string[] _terms;
    private readonly Dictionary<long, int> _slots;
    // Each paper's term ids by position, and its tokens' UTF-16 start and end (flat pairs): null when the splitter
    // found another number of tokens than the index holds, so the paper's marks are asked of highlight().
    private readonly int[][] _ids;
    private readonly int[]?[] _spans;
    private readonly List<int> _found = [];

    private WindowTokens(string[] terms, Dictionary<long, int> slots, int[][] ids, int[]?[] spans) =>
        (_terms, _slots, _ids, _spans) = (terms, slots, ids, spans);

    /// <summary>Papers whose tokens the splitter placed (the others are asked of highlight()).</summary>
    public int Placed => _spans.Count(s => s is not null);

    /// <summary>Reads the tokens of every abstract in the window <paramref name="store"/> is open on.</summary>
    public static WindowTokens Read(WindowIndexStore store)
    {
        var slots = new Dictionary<long, int>();
        var ids = new List<int[]>();
        var counts = new List<int>();
        var scanned = new List<string>();
        var last = new ArrayBufferWriter<byte>();
        store.Tokens((term, paper, offset) =>
        {
            // The scan is in term order: a term's string is made once, for its first token.
            if (scanned.Count == 0 || !term.SequenceEqual(last.WrittenSpan))
            {
                last.ResetWrittenCount();
                last.Write(term);
                scanned.Add(Encoding.UTF8.GetString(term));
            }
            if (!slots.TryGetValue(paper, out var slot))
            {
                slots.Add(paper, slot = ids.Count);
                ids.Add(new int[128]);
                counts.Add(0);
            }
            var positions = ids[slot];
            if (offset >= positions.Length) ids[slot] = positions = Grow(positions, offset);
            positions[offset] = scanned.Count;
            counts[slot] = Math.Max(counts[slot], offset + 1);
        });
        // Ids by ordinal order (the scan's is UTF-8's, which differs beyond the BMP); 0 in a position is a hole.
        var order = new int[scanned.Count];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var terms = scanned.ToArray();
        Array.Sort(terms, order, StringComparer.Ordinal);
        var rank = new int[order.Length + 1];
        for (var i = 0; i < order.Length; i++) rank[order[i] + 1] = i;
        var byPaper = new int[ids.Count][];
        var holes = new bool[ids.Count];
        for (var slot = 0; slot < byPaper.Length; slot++)
        {
            var positions = ids[slot].AsSpan(0, counts[slot]);
            holes[slot] = positions.Contains(0);
            for (var p = 0; p < positions.Length; p++) positions[p] = rank[positions[p]];
            byPaper[slot] = positions.ToArray();
        }
        var spans = new int[]?[byPaper.Length];
        var classes = Classes(store);
        var buffer = new List<int>();
        store.Abstracts((paper, text) =>
        {
            // An abstract with no token has no row in the scan: it can mark nothing, and highlight() says so.
            if (!slots.TryGetValue(paper, out var slot) || holes[slot] || !Split(text, classes, buffer)) return;
            if (buffer.Count == 2 * byPaper[slot].Length) spans[slot] = buffer.ToArray();
        });
        return new WindowTokens(terms, slots, byPaper, spans);
    }

    /// <summary>
    /// A query whose marks follow from its phrases alone: each phrase's words as ranges of term ids (one id; for a
    /// prefix every term it starts; none when the window lacks the term), and whether every phrase had to match.
    /// </summary>
    public sealed record Shape(bool And, (int Low, int High)[][] Phrases);

    /// <summary>
    /// The shape of each of <paramref name="queries"/> that has one (<see cref="Parse"/>), its phrases' words made
    /// terms by FTS5 itself in one batch through <paramref name="store"/>; a query left out is asked of highlight().
    /// </summary>
    public Dictionary<string, Shape> Shapes(IEnumerable<string> queries, WindowIndexStore store)
    {
        var parsed = new List<(string Query, bool And, List<(string Text, bool Prefix)> Phrases)>();
        var texts = new List<string>();
        foreach (var query in queries)
        {
            // Beyond 64 phrases the marking's bit mask would not do; no query a reader can save comes near.
            if (Parse(query) is not { } shape || shape.Phrases.Count > 64) continue;
            parsed.Add((query, shape.And, shape.Phrases));
            foreach (var phrase in shape.Phrases) texts.Add(phrase.Text);
        }
        var shapes = new Dictionary<string, Shape>(StringComparer.Ordinal);
        if (texts.Count == 0) return shapes;
        var terms = store.Terms(texts);
        var next = 0;
        foreach (var (query, and, phrases) in parsed)
        {
            var ranges = new (int, int)[phrases.Count][];
            var whole = true;
            for (var k = 0; k < phrases.Count; k++)
            {
                var words = terms[next++] ?? [];
                whole &= words.Length > 0;
                ranges[k] = new (int, int)[words.Length];
                for (var w = 0; w < words.Length; w++) ranges[k][w] = Range(words[w], phrases[k].Prefix && w == words.Length - 1);
            }
            // A phrase with no word in it FTS5 treats its own way: highlight() answers for it.
            if (whole) shapes[query] = new Shape(and, ranges);
        }
        return shapes;
    }

    /// <summary>
    /// The phrases of an FTS5 query (quoted or bare, a * right after one making its last word a prefix) joined only
    /// by OR, or only by AND (written or implied); null for any other shape — NOT, NEAR, a column, parentheses, ^, +,
    /// AND with OR, a syntax error. Why not more: with an AND inside an OR, FTS5 reports a phrase's instances by where
    /// its iterators stopped, not by a rule that could be copied here.
    /// </summary>
    internal static (bool And, List<(string Text, bool Prefix)> Phrases)? Parse(string query)
    {
        var phrases = new List<(string, bool)>();
        bool? and = null;
        var at = 0;
        while (true)
        {
            Skip();
            string text;
            if (at < query.Length && query[at] == '"')
            {
                var quoted = new StringBuilder();
                for (at++; ; at++)
                {
                    if (at == query.Length) return null;
                    if (query[at] != '"') quoted.Append(query[at]);
                    else if (at + 1 < query.Length && query[at + 1] == '"') quoted.Append(query[++at]);
                    else break;
                }
                at++;
                text = quoted.ToString();
            }
            else if ((text = Bareword()) is "" or "AND" or "OR" or "NOT" or "NEAR") return null;
            var prefix = at < query.Length && query[at] == '*';
            if (prefix) at++;
            phrases.Add((text, prefix));
            Skip();
            if (at == query.Length) return (and ?? false, phrases);
            var from = at;
            var joiner = Bareword();
            var joinsAnd = joiner != "OR";
            // Anything but OR or AND starts the next phrase (an implied AND), which must then parse as one.
            if (joiner is not ("OR" or "AND")) at = from;
            if (and is { } was && was != joinsAnd) return null;
            and = joinsAnd;
        }

        void Skip()
        {
            while (at < query.Length && query[at] is ' ' or '\t' or '\n' or '\r') at++;
        }

        // FTS5's bare characters: ASCII letters, digits and _, and every character beyond ASCII.
        string Bareword()
        {
            var from = at;
            while (at < query.Length && (query[at] >= 0x80 || char.IsAsciiLetterOrDigit(query[at]) || query[at] == '_')) at++;
            return query[from..at];
        }
    }

    /// <summary>
    /// The spans of <paramref name="paper"/>'s abstract that a query of <paramref name="shape"/> highlights: every
    /// instance of every phrase, overlapping ones merged (adjacent ones are not), as highlight() marks them. Null
    /// when only highlight() can tell: the paper's tokens were not placed, or a phrase of an AND is absent from the
    /// abstract (whether the paper matched at all then rests on its other columns).
    /// </summary>
    public int[]? Marks(Shape shape, long paper)
    {
        // Not in the window, or an abstract with no token: nothing to mark.
        if (!_slots.TryGetValue(paper, out var slot)) return [];
        if (_spans[slot] is not { } spans) return null;
        var ids = _ids[slot];
        var phrases = shape.Phrases;
        _found.Clear();
        int open = -1, end = -1;
        var seen = 0UL;
        for (var p = 0; p < ids.Length; p++)
        {
            var reach = -1;
            for (var k = 0; k < phrases.Length; k++)
            {
                if (!At(phrases[k], ids, p)) continue;
                reach = Math.Max(reach, p + phrases[k].Length - 1);
                seen |= 1UL << k;
            }
            if (reach < 0) continue;
            if (open >= 0 && p <= end)
            {
                end = Math.Max(end, reach);
                continue;
            }
            if (open >= 0) Found(spans, open, end);
            (open, end) = (p, reach);
        }
        if (open >= 0) Found(spans, open, end);
        if (shape.And && seen != ulong.MaxValue >> (64 - phrases.Length)) return null;
        return _found.Count == 0 ? [] : _found.ToArray();
    }

    /// <summary>Whether the phrase's words are the terms at <paramref name="p"/> onwards.</summary>
    private static bool At((int Low, int High)[] words, int[] ids, int p)
    {
        if (p + words.Length > ids.Length) return false;
        for (var w = 0; w < words.Length; w++)
        {
            if ((uint)(ids[p + w] - words[w].Low) >= (uint)(words[w].High - words[w].Low)) return false;
        }
        return true;
    }

    private void Found(int[] spans, int first, int last)
    {
        _found.Add(spans[2 * first]);
        _found.Add(spans[2 * last + 1]);
    }

    /// <summary>The ids of <paramref name="term"/>, or of every term it starts when it is a <paramref name="prefix"/>.</summary>
    private (int Low, int High) Range(string term, bool prefix)
    {
        var low = Array.BinarySearch(_terms, term, StringComparer.Ordinal);
        if (!prefix) return low >= 0 ? (low, low + 1) : (0, 0);
        if (low < 0) low = ~low;
        // The terms a prefix starts follow one another in ordinal order.
        int from = low, to = _terms.Length;
        while (from < to)
        {
            var mid = (from + to) >>> 1;
            if (_terms[mid].StartsWith(term, StringComparison.Ordinal)) from = mid + 1;
            else to = mid;
        }
        return (low, from);
    }

    private static int[] Grow(int[] positions, int offset)
    {
        var grown = new int[Math.Max(positions.Length * 2, offset + 1)];
        positions.CopyTo(grown, 0);
        return grown;
    }

    /// <summary>How the tokenizer treats each character the window's abstracts hold, asked of FTS5 itself.</summary>
    private static Dictionary<int, Class> Classes(WindowIndexStore store)
    {
        var classes = new Dictionary<int, Class>();
        store.Abstracts((_, text) =>
        {
            while (!text.IsEmpty)
            {
                if (Rune.DecodeFromUtf8(text, out var rune, out var length) != OperationStatus.Done) return;
                classes.TryAdd(rune.Value, Class.Unknown);
                text = text[length..];
            }
        });
        var characters = classes.Keys.ToArray();
        // Alone, a character makes a token only if one can start at it; between two letters, it splits them only if
        // it is a separator.
        var probes = new List<string>(characters.Length * 2);
        foreach (var c in characters)
        {
            var text = char.ConvertFromUtf32(c);
            probes.Add(text);
            probes.Add("a" + text + "a");
        }
        var terms = store.Terms(probes);
        for (var i = 0; i < characters.Length; i++)
        {
            // A character the scratch index could not be asked about stays unknown: an abstract holding it is not split.
            if (terms[2 * i] is not { } alone || terms[2 * i + 1] is not { } between) continue;
            classes[characters[i]] = alone.Length == 1 ? Class.Start : between.Length == 1 ? Class.Within : Class.Separator;
        }
        return classes;
    }

    /// <summary>Cuts <paramref name="text"/> (UTF-8) into tokens as the index's tokenizer does: their UTF-16 start and end into <paramref name="spans"/>.</summary>
    private static bool Split(ReadOnlySpan<byte> text, Dictionary<int, Class> classes, List<int> spans)
    {
        spans.Clear();
        int utf16 = 0, start = -1;
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(text, out var rune, out var length) != OperationStatus.Done) return false;
            var kind = classes.GetValueOrDefault(rune.Value);
            if (kind == Class.Unknown) return false;
            if (start < 0 && kind == Class.Start) start = utf16;
            else if (start >= 0 && kind == Class.Separator)
            {
                spans.Add(start);
                spans.Add(utf16);
                start = -1;
            }
            utf16 += rune.Utf16SequenceLength;
            text = text[length..];
        }
        if (start >= 0)
        {
            spans.Add(start);
            spans.Add(utf16);
        }
        return true;
    }
}
