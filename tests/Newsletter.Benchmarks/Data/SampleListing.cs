using Newsletter.Listings;

namespace Newsletter.Benchmarks.Data;

/// <summary>The title and abstract pairs of the project's shipped sample listing (Hugging Face daily-papers JSON).</summary>
public static class SampleListing
{
    /// <summary>The shipped sample, from the repository root.</summary>
    public static string PathIn(string repo) => Path.Combine(repo, "src", "Newsletter", IngestJob.SampleListing);

    /// <summary>Reads every (title, abstract) pair, through the application's own parser.</summary>
    public static IReadOnlyList<(string Title, string Abstract)> Read(string path)
    {
        var pairs = HuggingFaceParser.Parse(File.ReadAllBytes(path)).Entries.Select(e => (e.Title, e.Abstract)).ToList();
        if (pairs.Count == 0) throw new InvalidOperationException($"{path}: no papers found to build benchmark data from");
        return pairs;
    }
}
