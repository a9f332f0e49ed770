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

    private readonly Dictionary<long, int> _slots;
    // Each paper's term numbers (WindowPostings') by position, and its tokens' UTF-16 start and end (flat pairs): null
    // when the splitter found another number of tokens than the index holds, so the paper's marks are asked of highlight().
    private readonly int[][] _ids;
    private readonly int[]?[] _spans;
    private readonly List<int> _found = [];

    private WindowTokens(Dictionary<long, int> slots, int[][] ids, int[]?[] spans) => (_slots, _ids, _spans) = (slots, ids, spans);

    /// <summary>Papers whose tokens the splitter placed (the others are asked of highlight()).</summary>
    public int Placed => _spans.Count(s => s is not null);

    /// <summary>
    /// Places the abstract tokens of <paramref name="postings"/> (the window's, every term's read: see <see cref="WindowPostings.Complete"/>) in the
    /// abstracts of the window <paramref name="store"/> is open on, <paramref name="terms"/> telling how FTS5 splits.
    /// </summary>
    public static WindowTokens Read(WindowIndexStore store, WindowPostings postings, PhraseTermStore terms)
    {
        var slots = new Dictionary<long, int>();
        var ids = new List<int[]>();
        foreach (var (paper, positions) in postings.Positions(column: 1))
        {
            slots.Add(paper, ids.Count);
            ids.Add(positions);
        }
        var spans = new int[]?[ids.Count];
        var classes = Classes(store, terms);
        var buffer = new List<int>();
        store.Abstracts((paper, text) =>
        {
            // An abstract with no token has no positions: it can mark nothing, and highlight() says so. A position the
            // index left empty means the splitter cannot be checked: highlight() answers for that paper.
            if (!slots.TryGetValue(paper, out var slot) || ids[slot].Contains(-1) || !Split(text, classes, buffer)) return;
            if (buffer.Count == 2 * ids[slot].Length) spans[slot] = buffer.ToArray();
        });
        return new WindowTokens(slots, [.. ids], spans);
    }

    /// <summary>
    /// A query whose marks follow from its phrases alone: each phrase's words as ranges of term numbers (one; for a
    /// prefix every term it starts; none when the window lacks the term), and whether every phrase had to match.
    /// </summary>
    public sealed record Shape(bool And, (int Low, int High)[][] Phrases);

    /// <summary>
    /// The shape of each of <paramref name="queries"/> that is flat (<see cref="FlatQuery"/>: phrases joined only by
    /// OR, or only by AND), its words made terms by FTS5 itself (<paramref name="terms"/>); a query left out is asked of
    /// highlight(). Why not more shapes: with an AND inside an OR, FTS5 reports a phrase's instances by where its
    /// iterators stopped, not by a rule that could be copied here.
    /// </summary>
    public static Dictionary<string, Shape> Shapes(IEnumerable<string> queries, PhraseTermStore terms)
    {
        var shapes = new Dictionary<string, Shape>(StringComparer.Ordinal);
        foreach (var query in queries)
        {
            // Beyond 64 phrases the marking's bit mask would not do; no query a reader can save comes near.
            // An excluded phrase is FTS5's to mark as ever (highlight()): its rule for them is not copied here.
            if (terms.Phrases(query, out var all, out var excluded) is not { Length: <= 64 } phrases || excluded > 0) continue;
            shapes[query] = new Shape(all && phrases.Length > 1, phrases);
        }
        return shapes;
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

    /// <summary>How the tokenizer treats each character the window's abstracts hold, asked of FTS5 itself.</summary>
    private static Dictionary<int, Class> Classes(WindowIndexStore store, PhraseTermStore terms)
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
        var counts = terms.TermCounts(probes);
        for (var i = 0; i < characters.Length; i++)
        {
            var (alone, between) = (counts[2 * i], counts[2 * i + 1]);
            classes[characters[i]] = alone == 1 ? Class.Start : between == 1 ? Class.Within : Class.Separator;
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
