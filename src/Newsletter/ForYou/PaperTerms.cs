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

    /// <summary>Unit-length term weights (words and word pairs) of a paper's title (counted twice) and abstract.</summary>
    public static Dictionary<string, float> Of(string title, string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        Count(title, counts, 2);
        Count(text, counts, 1);
        var vector = new Dictionary<string, float>(counts.Count, StringComparer.Ordinal);
        double norm = 0;
        foreach (var (term, count) in counts)
        {
            var weight = 1 + Math.Log(count);
            vector[term] = (float)weight;
            norm += weight * weight;
        }
        if (norm == 0) return vector;
        var scale = (float)(1 / Math.Sqrt(norm));
        foreach (var term in vector.Keys.ToList()) vector[term] *= scale;
        return vector;
    }

    /// <summary>
    /// The key a term is stored and looked up by (64-bit FNV-1a of its chars): a stored model holds keys, not words,
    /// so planning reads it without making a string per term. Stable across processes and versions, unlike
    /// <see cref="string.GetHashCode()"/>; two of a window's ~10^5 terms share one with odds of about 10^-9.
    /// </summary>
    public static ulong Key(ReadOnlySpan<char> term)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in term)
        {
            hash = (hash ^ (byte)c) * 1099511628211UL;
            hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
        }
        return hash;
    }

    private static void Count(string text, Dictionary<string, int> counts, int times)
    {
        // Bounded by the text's length; abstracts are capped at ingest.
        var span = text.AsSpan();
        var start = -1;
        string? previous = null;
        for (var i = 0; i <= span.Length; i++)
        {
            var inWord = i < span.Length && (char.IsLetterOrDigit(span[i]) || (span[i] == '-' && start >= 0));
            if (inWord)
            {
                if (start < 0) start = i;
                continue;
            }
            if (start >= 0)
            {
                var word = Normalize(span[start..i]);
                if (word is not null)
                {
                    counts[word] = counts.GetValueOrDefault(word) + times;
                    // Two neighbouring words name what one alone does not ("state space", "language model"); a dropped
                    // word in between breaks the pair, so pairs never span "of the".
                    if (previous is not null)
                    {
                        var pair = previous + " " + word;
                        counts[pair] = counts.GetValueOrDefault(pair) + times;
                    }
                }
                previous = word;
                start = -1;
            }
        }
    }

    private static string? Normalize(ReadOnlySpan<char> word)
    {
        word = word.TrimEnd('-');
        if (word.Length < 3 || word.Length > 40) return null;
        var lower = word.ToString().ToLowerInvariant();
        if (char.IsDigit(lower[0]) && lower.All(c => char.IsDigit(c) || c == '.')) return null;
        // "models" and "model", "agents" and "agent" are one interest; "-ss" (loss) and "-us" (corpus) are not plurals.
        if (lower.Length > 4 && lower[^1] == 's' && lower[^2] is not ('s' or 'u' or 'i')) lower = lower[..^1];
        // A light stemmer (measured: a little better than none); rarer suffixes stay, as their words differ more.
        if (lower.Length > 6 && lower.EndsWith("ing", StringComparison.Ordinal)) lower = lower[..^3];
        else if (lower.Length > 5 && lower.EndsWith("ed", StringComparison.Ordinal)) lower = lower[..^2];
        else if (lower.Length > 6 && lower.EndsWith("ic", StringComparison.Ordinal)) lower = lower[..^2];
        return Stop.Contains(lower) ? null : lower;
    }
}
