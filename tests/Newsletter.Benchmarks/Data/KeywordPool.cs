using System.Text.RegularExpressions;

namespace Newsletter.Benchmarks.Data;

/// <summary>
/// Distinct keyword queries in the FTS5 query language (words, prefixes, phrases, AND, OR, NOT, NEAR), built from
/// the words of the generated papers so that many of them match something and some match nothing, as readers' do.
/// </summary>
public static partial class KeywordPool
{
    private static readonly HashSet<string> StopWords =
    [
        "that", "with", "from", "this", "these", "their", "there", "which", "while", "where", "when", "than", "then",
        "them", "they", "into", "over", "under", "about", "after", "before", "between", "without", "within", "through",
        "other", "each", "such", "same", "more", "most", "many", "much", "very", "also", "only", "both", "have", "were",
        "been", "being", "does", "makes", "make", "uses", "using", "used", "show", "shows", "what", "whose", "some",
    ];

    [GeneratedRegex("[A-Za-z]{4,}")]
    private static partial Regex Word();

    /// <summary>The lower-case words of at least four letters in <paramref name="texts"/>, stop words left out.</summary>
    public static IReadOnlyList<string> Vocabulary(IEnumerable<string> texts) =>
        texts.SelectMany(t => Word().Matches(t).Select(m => m.Value.ToLowerInvariant()))
            .Where(w => !StopWords.Contains(w))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string Prefix(string word) => word[..Math.Min(5, word.Length)] + "*";

    /// <summary>
    /// <paramref name="count"/> distinct queries, the same for the same seed: seven in ten name one or two of the
    /// long-tail terms (a method, a dataset), the rest combine common words of the papers.
    /// </summary>
    public static IReadOnlyList<string> Build(IReadOnlyList<string> vocabulary, IReadOnlyList<string> rareTerms, int count, int seed)
    {
        var random = new Random(seed);
        var pool = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>(count);
        var attempts = 0;
        while (list.Count < count && attempts++ < count * 50)
        {
            string W() => vocabulary[random.Next(vocabulary.Count)];
            string R() => rareTerms[random.Next(rareTerms.Count)];
            var query = random.Next(10) < 7
                ? random.Next(6) switch
                {
                    0 or 1 or 2 => R(),
                    3 => Prefix(R()),
                    4 => $"{R()} OR {R()}",
                    _ => $"{R()} {W()}",
                }
                : random.Next(10) switch
            {
                0 or 1 => W(),
                2 => Prefix(W()),
                3 or 4 => $"\"{W()} {W()}\"",
                5 or 6 => $"{W()} {W()}",
                7 => $"{W()} OR {W()}",
                8 => $"{W()} NOT {W()}",
                _ => $"NEAR({W()} {W()}, 10)",
            };
            if (pool.Add(query)) list.Add(query);
        }
        return list;
    }
}
