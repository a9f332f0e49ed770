using System.Globalization;
using Microsoft.Data.Sqlite;
using Newsletter.Benchmarks.Data;
using Newsletter.Benchmarks.Harness;
using Newsletter.ForYou;
using Newsletter.Matching;
using Newsletter.Listings;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// Issue 16's evaluation: simulated readers over the repository's real papers (the papers-page fixtures and the
/// shipped Hugging Face sample). Each reader's hidden interest is one catalog topic (the papers its query matches);
/// after k marks drawn from it, plus two "less like this" from outside it, precision@5 of the taste model's top
/// unseen papers, beside a random pick and the most upvoted. Needs no ingest and no child process.
/// </summary>
public static class ForYouScenario
{
    public const string Verb = "for-you";
    private static readonly int[] Marks = [1, 3, 5, 10];
    private const int ReadersPerTopic = 25;
    private const int MinimumRelevant = 15;

    public static int Child(IReadOnlyList<string> args)
    {
        var options = BenchOptions.Parse(args);
        Directory.CreateDirectory(options.Work);
        Run(options, new ResultsTable(options), BenchData.Load(options).Topics);
        return 0;
    }

    public static void Run(BenchOptions options, ResultsTable table, IReadOnlyList<Topic> topics)
    {
        var papers = LoadPapers(options.Repo);
        var interests = Label(papers, topics).Where(t => t.Relevant.Count >= MinimumRelevant).ToList();
        var window = new WindowTerms(papers.Select((p, i) => ((long)i, p.Title, p.Abstract)).ToList());
        var byUpvotes = Enumerable.Range(0, papers.Count).OrderByDescending(i => papers[i].Upvotes ?? -1).ThenBy(i => i).ToList();
        var scorer = new TasteScorer(window);
        var scores = new float[papers.Count];
        var parts = new List<string>();
        var allMet = true;
        var started = System.Diagnostics.Stopwatch.StartNew();
        double sectionHits = 0, sectionShown = 0, sectionReaders = 0;
        foreach (var k in Marks)
        {
            double model = 0, random = 0, upvoted = 0;
            var readers = 0;
            for (var t = 0; t < interests.Count; t++)
            {
                var relevant = interests[t].Relevant;
                // Seeded per k and topic, so every run draws the same readers.
                var rng = new Random(k * 1000 + t);
                var others = Enumerable.Range(0, papers.Count).Where(i => !relevant.Contains(i)).ToList();
                for (var r = 0; r < ReadersPerTopic; r++)
                {
                    var liked = relevant.OrderBy(_ => rng.Next()).Take(k).ToList();
                    var disliked = others.OrderBy(_ => rng.Next()).Take(2).ToList();
                    var marked = liked.Concat(disliked).ToHashSet();
                    var taste = TasteModel.Build(
                        liked.Select(i => new MarkedPaper(i, papers[i].Title, papers[i].Abstract, true))
                            .Concat(disliked.Select(i => new MarkedPaper(i, papers[i].Title, papers[i].Abstract, false))).ToList());
                    scorer.Load(taste);
                    scorer.ScoreAll(scores);
                    var unseen = Enumerable.Range(0, papers.Count).Where(i => !marked.Contains(i)).ToList();
                    model += Precision(unseen.OrderByDescending(i => scores[i]).ThenBy(i => i).Take(5), relevant);
                    random += Precision(unseen.OrderBy(_ => rng.Next()).Take(5), relevant);
                    upvoted += Precision(byUpvotes.Where(i => !marked.Contains(i)).Take(5), relevant);
                    readers++;
                    if (k != 5) continue;
                    // The section itself: what passes the threshold (at most 3) and how much of it is on topic.
                    var shown = TasteRanking.Recommend(scorer, id => !marked.Contains((int)id));
                    sectionReaders++;
                    sectionShown += shown.Count;
                    sectionHits += shown.Count(s => relevant.Contains((int)s.PaperId));
                }
            }
            (model, random, upvoted) = (model / readers, random / readers, upvoted / readers);
            var met = model > random && model > upvoted && (k != 5 || model >= 0.6);
            allMet &= met;
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"k={k}: {model:0.00} (random {random:0.00}, most upvoted {upvoted:0.00})"));
        }
        var line = string.Create(CultureInfo.InvariantCulture,
            $"for-you: precision@5 of the taste model (TF-IDF), {interests.Count} topics × {ReadersPerTopic} readers over {papers.Count} real papers: " +
            $"{string.Join("; ", parts)}; the section at k=5 shows {sectionShown / sectionReaders:0.00} papers a reader " +
            $"(threshold {TasteRanking.Threshold}), {(sectionShown == 0 ? 0 : sectionHits / sectionShown):0.00} of them on topic; " +
            $"{started.Elapsed.TotalSeconds:0.0} s");
        table.Record("for-you", $"{papers.Count} papers, {interests.Count} topics", line,
            "≥ 0.6 at k = 5; above both baselines at every k", allMet);
    }

    private static double Precision(IEnumerable<int> top, HashSet<int> relevant) => top.Count(relevant.Contains) / 5.0;

    private sealed record FixturePaper(string Title, string Abstract, int? Upvotes);

    private static List<FixturePaper> LoadPapers(string repo)
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var entries = new List<ListingEntry>();
        foreach (var file in Directory.GetFiles(Path.Combine(repo, "tests", "Newsletter.Tests", "Fixtures", "Listings", "PapersPages"), "*.txt").Order())
            entries.AddRange(PapersPageParser.Parse(File.ReadAllText(file), now).Entries);
        entries.AddRange(HuggingFaceParser.Parse(File.ReadAllText(Path.Combine(repo, "src", "Newsletter", "Samples", "hf-daily-papers-sample.json"))).Entries);
        // One paper once, by its normalised title, as the papers table keeps it.
        return entries.DistinctBy(e => TitleNormalizer.Normalize(e.Title))
            .Select(e => new FixturePaper(e.Title, e.Abstract, e.Upvotes)).ToList();
    }

    /// <summary>Each topic's papers: those its catalog query matches, through FTS5 as the app matches them.</summary>
    private static List<(string Slug, HashSet<int> Relevant)> Label(List<FixturePaper> papers, IReadOnlyList<Topic> topics)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE VIRTUAL TABLE probe USING fts5(title, abstract, tokenize = 'porter unicode61 remove_diacritics 2')";
            create.ExecuteNonQuery();
        }
        for (var i = 0; i < papers.Count; i++)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO probe (rowid, title, abstract) VALUES ($id, $title, $abstract)";
            insert.Parameters.AddWithValue("$id", i);
            insert.Parameters.AddWithValue("$title", papers[i].Title);
            insert.Parameters.AddWithValue("$abstract", papers[i].Abstract);
            insert.ExecuteNonQuery();
        }
        var labelled = new List<(string, HashSet<int>)>();
        foreach (var topic in topics)
        {
            using var match = connection.CreateCommand();
            match.CommandText = "SELECT rowid FROM probe WHERE probe MATCH $query";
            match.Parameters.AddWithValue("$query", topic.Query);
            var set = new HashSet<int>();
            using (var reader = match.ExecuteReader())
                while (reader.Read()) set.Add(reader.GetInt32(0));
            labelled.Add((topic.Slug, set));
        }
        return labelled;
    }
}
