namespace Newsletter.Benchmarks.Data;

/// <summary>
/// The title and abstract pairs the benchmark data is built from: a papers-page listing kept beside the harness, so
/// that the figures stay comparable from run to run whatever the shipped sample becomes.
/// </summary>
public static class SampleListing
{
    /// <summary>The listing, from the repository root.</summary>
    public static string PathIn(string repo) => Path.Combine(repo, "tests", "Newsletter.Benchmarks", "Data", "bench-listing.txt");

    private static readonly HashSet<string> HeaderLines = new(StringComparer.OrdinalIgnoreCase)
    {
        "new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers", "byAK and the research community",
    };

    /// <summary>Reads every (title, abstract) pair after the date line.</summary>
    public static IReadOnlyList<(string Title, string Abstract)> Read(string path)
    {
        var paragraphs = File.ReadAllText(path).ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(p => string.Join(' ', p.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
            .Where(p => p.Length > 0 && !HeaderLines.Contains(p))
            .ToList();
        var dateLine = paragraphs.FindIndex(p => p.Length <= 6 && p.Contains(' ') && char.IsDigit(p[^1]));
        var body = paragraphs.Skip(dateLine + 1).ToList();
        var pairs = new List<(string, string)>();
        for (var i = 0; i + 1 < body.Count; i += 2) pairs.Add((body[i], body[i + 1]));
        if (pairs.Count == 0) throw new InvalidOperationException($"{path}: no papers found to build benchmark data from");
        return pairs;
    }
}
