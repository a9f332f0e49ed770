namespace Newsletter.Benchmarks.Data;

/// <summary>
/// A long tail of made-up names (methods, datasets, models: "Korvatin", "Delmasor"), the kind of word that makes
/// most real papers findable by a few specific keywords. Papers draw them with Zipf-like frequencies, so a few are
/// common and most are rare, and readers' own keyword queries mostly name one of them, as real readers follow
/// specific methods and datasets.
/// </summary>
public static class RareTerms
{
    private static readonly string[] Onsets = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "gr", "kr", "tr", "st", "pl", "sk"];
    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ai", "ea", "io"];
    private static readonly string[] Codas = ["", "n", "r", "s", "l", "x", "m", "th", "nd", "rk"];

    /// <summary><paramref name="count"/> distinct lower-case made-up words, the same for the same seed.</summary>
    public static IReadOnlyList<string> Build(int count, int seed)
    {
        var random = new Random(seed);
        var words = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>(count);
        while (list.Count < count)
        {
            var syllables = 2 + random.Next(2);
            var word = string.Concat(Enumerable.Range(0, syllables).Select(_ =>
                Onsets[random.Next(Onsets.Length)] + Vowels[random.Next(Vowels.Length)] + Codas[random.Next(Codas.Length)]));
            // FTS5 barewords must not be its operators; these never are, but keep them of a sensible length.
            if (word.Length is >= 5 and <= 14 && words.Add(word)) list.Add(word);
        }
        return list;
    }

    /// <summary>An index into a list of <paramref name="count"/>, low indexes far more likely (roughly Zipf).</summary>
    public static int Pick(Random random, int count) => Math.Min(count - 1, (int)(count * Math.Pow(random.NextDouble(), 3)));
}
