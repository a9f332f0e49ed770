namespace Newsletter.ForYou;

/// <summary>
/// A paper's words as the taste model counts them: title and abstract, lower-cased, common English and paper words
/// dropped, a plural "s" and "-ing"/"-ed"/"-ic" folded, and each pair of neighbouring kept words as one more term;
/// each term weighted 1 + ln(count) (the title counts twice), the vector of unit length.
/// </summary>
public static class PaperTerms
{
    // Words that appear in most abstracts say nothing about what a paper is about; TF-IDF would shrink them anyway,
    // but dropping them keeps the per-reader profile (capped at ProfileTerms) for words that do.
    private static readonly HashSet<string> Stop = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "with", "that", "this", "from", "are", "our", "can", "which", "their", "these", "into",
        "such", "while", "has", "have", "been", "was", "were", "also", "both", "than", "more", "most", "other", "its",
        "not", "but", "only", "each", "when", "where", "how", "what", "all", "any", "over", "under", "between", "through",
        "via", "using", "use", "used", "based", "show", "shows", "propose", "proposed", "present", "paper", "work",
        "approach", "method", "methods", "results", "new", "novel", "existing", "however", "well", "further", "they",
        "them", "then", "there", "will", "may", "without", "across", "two", "one", "first", "different", "many", "even",
        "significantly", "achieve", "achieves", "performance", "state", "art", "demonstrate", "code", "available",
        "https", "github", "com", "model", "models", "task", "tasks", "data", "including", "large", "high", "able",
        "framework", "introduce", "result", "make", "does", "who", "would", "could", "should", "yet", "about", "among",
    };

    // Longer words are dropped (a URL, a formula), so a kept word fits a buffer of this many chars.
    private const int MaxWord = 40;
    private const ulong KeyStart = 14695981039346656037UL;

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> StopSpan = Stop.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// Unit-length term weights (words and word pairs) of a paper's title (counted twice) and abstract, by their
    /// <see cref="Key"/>, in the order first seen: made without a string per word or pair (a pair's key goes on from
    /// its first word's, as the hash reads the pair's chars in order). What a run's window is indexed by and what a
    /// <see cref="TasteModel"/> is built from.
    /// </summary>
    public static List<(ulong Key, float Weight)> KeysOf(string title, string text) => KeysOf(title, text, null);

    /// <summary>
    /// <see cref="KeysOf(string, string)"/>, also noting in <paramref name="words"/> the text of each key not already
    /// there (one string per distinct term, not per occurrence): a model orders equally strong terms by their words.
    /// </summary>
    public static List<(ulong Key, float Weight)> KeysOf(string title, string text, Dictionary<ulong, string>? words)
    {
        var counts = new Dictionary<ulong, int>();
        Count(title, counts, 2, words);
        Count(text, counts, 1, words);
        var scale = Scale(counts.Values);
        var vector = new List<(ulong, float)>(counts.Count);
        foreach (var (key, count) in counts) vector.Add((key, Weight(count, scale)));
        return vector;
    }

    /// <summary>
    /// The key a term is stored and looked up by (64-bit FNV-1a of its chars): a stored model holds keys, not words,
    /// so planning reads it without making a string per term. Stable across processes and versions, unlike
    /// <see cref="string.GetHashCode()"/>; two of a window's ~10^5 terms share one with odds of about 10^-9.
    /// </summary>
    public static ulong Key(ReadOnlySpan<char> term) => KeyAfter(term, KeyStart);

    /// <summary>The key of the chars of <paramref name="term"/> read after those whose key is <paramref name="hash"/>.</summary>
    private static ulong KeyAfter(ReadOnlySpan<char> term, ulong hash)
    {
        foreach (var c in term)
        {
            hash = (hash ^ (byte)c) * 1099511628211UL;
            hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
        }
        return hash;
    }

    // A term counted n times weighs 1 + ln(n), and the vector is scaled to unit length (0 for an empty one).
    private static float Scale(IEnumerable<int> counts)
    {
        double norm = 0;
        foreach (var count in counts)
        {
            var weight = 1 + Math.Log(count);
            norm += weight * weight;
        }
        return norm == 0 ? 1 : (float)(1 / Math.Sqrt(norm));
    }

    private static float Weight(int count, float scale) => (float)(1 + Math.Log(count)) * scale;

    private static void Count(string text, Dictionary<ulong, int> counts, int times, Dictionary<ulong, string>? words)
    {
        Span<char> buffer = stackalloc char[MaxWord];
        var terms = new Words(text, buffer);
        ulong? previous = null;
        while (terms.Next(out var word))
        {
            // Two neighbouring words name what one alone does not ("state space", "language model"); a dropped
            // word in between breaks the pair, so pairs never span "of the".
            if (word.IsEmpty)
            {
                previous = null;
                continue;
            }
            var key = Key(word);
            counts[key] = counts.GetValueOrDefault(key) + times;
            if (words is not null && !words.ContainsKey(key)) words[key] = word.ToString();
            if (previous is { } first)
            {
                var pair = KeyAfter(word, KeyAfter(" ", first));
                counts[pair] = counts.GetValueOrDefault(pair) + times;
                if (words is not null && !words.ContainsKey(pair)) words[pair] = words[first] + " " + words[key];
            }
            previous = key;
        }
    }

    /// <summary>
    /// A text's words in order, each lower-cased and folded into the caller's buffer, or empty when dropped (a dropped
    /// word breaks a pair). Bounded by the text's length; abstracts are capped at ingest.
    /// </summary>
    private ref struct Words(ReadOnlySpan<char> text, Span<char> buffer)
    {
        private readonly ReadOnlySpan<char> _text = text;
        private readonly Span<char> _buffer = buffer;
        private int _at;

        public bool Next(out ReadOnlySpan<char> word)
        {
            var span = _text;
            var start = -1;
            for (var i = _at; i <= span.Length; i++)
            {
                var inWord = i < span.Length && (char.IsLetterOrDigit(span[i]) || (span[i] == '-' && start >= 0));
                if (inWord)
                {
                    if (start < 0) start = i;
                    continue;
                }
                if (start < 0) continue;
                _at = i + 1;
                word = Normalize(span[start..i], _buffer);
                return true;
            }
            _at = span.Length + 1;
            word = default;
            return false;
        }
    }

    private static ReadOnlySpan<char> Normalize(ReadOnlySpan<char> word, Span<char> buffer)
    {
        word = word.TrimEnd('-');
        if (word.Length < 3 || word.Length > MaxWord) return [];
        var length = word.ToLowerInvariant(buffer);
        ReadOnlySpan<char> lower = buffer[..length];
        if (char.IsDigit(lower[0]) && IsNumber(lower)) return [];
        // "models" and "model", "agents" and "agent" are one interest; "-ss" (loss) and "-us" (corpus) are not plurals.
        if (lower.Length > 4 && lower[^1] == 's' && lower[^2] is not ('s' or 'u' or 'i')) lower = lower[..^1];
        // A light stemmer (measured: a little better than none); rarer suffixes stay, as their words differ more.
        if (lower.Length > 6 && lower.EndsWith("ing", StringComparison.Ordinal)) lower = lower[..^3];
        else if (lower.Length > 5 && lower.EndsWith("ed", StringComparison.Ordinal)) lower = lower[..^2];
        else if (lower.Length > 6 && lower.EndsWith("ic", StringComparison.Ordinal)) lower = lower[..^2];
        return StopSpan.Contains(lower) ? [] : lower;
    }

    private static bool IsNumber(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
            if (!char.IsDigit(c) && c != '.') return false;
        return true;
    }
}
