using Newsletter.ForYou;
using Newsletter.Listings;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.ForYou;

/// <summary>
/// The scorer over the 310 real papers of the papers-page fixtures, with seeded readers: what planning computes
/// (stored models read straight into the window's terms) equals the plain computation.
/// </summary>
public class TasteScorerTests
{
    private static readonly Lazy<List<(long Id, string Title, string Abstract)>> Papers = new(() =>
        Directory.GetFiles(RepositoryPaths.PapersPages, "*.txt").Order(StringComparer.Ordinal)
            .SelectMany(p => ListingParser.Parse(File.ReadAllBytes(p), ListingFormat.Auto, DateTimeOffset.UnixEpoch).Entries)
            .DistinctBy(e => e.Title).Select((e, i) => (1000L + i, e.Title, e.Abstract)).ToList());

    /// <summary>Readers who liked 1 to 10 papers of the window and disliked two, drawn with a fixed seed.</summary>
    private static List<TasteModel> Readers(int count)
    {
        var papers = Papers.Value;
        var rng = new Random(16);
        return Enumerable.Range(0, count).Select(r =>
        {
            var marked = Enumerable.Range(0, papers.Count).OrderBy(_ => rng.Next()).Take(1 + r % 10 + 2).ToList();
            return TasteModel.Build(marked.Select((p, i) => new MarkedPaper(papers[p].Id, papers[p].Title, papers[p].Abstract, Liked: i >= 2)).ToList());
        }).ToList();
    }

    [Test]
    public void Recommend_TakesTheBestEligibleUnmarkedPapersAboveTheThreshold_TiesToTheEarlierPaper()
    {
        var window = new WindowTerms(Papers.Value);
        var scorer = new TasteScorer(window);
        var scores = new float[window.Count];
        bool Eligible(long id) => id % 3 != 0;
        var recommended = 0;

        foreach (var model in Readers(60))
        {
            scorer.Load(model);
            scorer.ScoreAll(scores);
            var scan = Enumerable.Range(0, window.Count)
                .Where(i => scores[i] >= TasteRanking.Threshold && Eligible(window.IdAt(i)) && !model.Marked.Contains(window.IdAt(i)))
                .OrderByDescending(i => scores[i]).ThenBy(i => i).Take(TasteRanking.MaxRecommendations).Select(window.IdAt).ToList();

            var found = TasteRanking.Recommend(scorer, Eligible);

            Assert.That(found.Select(r => r.PaperId), Is.EqualTo(scan));
            Assert.That(found.Select(r => r.Score), Is.EqualTo(found.Select(r => scores[window.IndexOf(r.PaperId)])).Within(1e-6));
            recommended += found.Count;
        }
        Assert.That(recommended, Is.GreaterThan(20), "the readers do get recommendations");
    }

    [Test]
    public void Load_OfAStoredModel_ScoresAndRecommendsAsTheModelBuiltInMemory_ReaderAfterReader()
    {
        var window = new WindowTerms(Papers.Value);
        var fromJson = new TasteScorer(window);
        foreach (var model in Readers(12))
        {
            var built = new TasteScorer(window);
            built.Load(model);

            fromJson.Load(model.ToJson());

            Assert.That(Enumerable.Range(0, window.Count).Select(fromJson.Score), Is.EqualTo(Enumerable.Range(0, window.Count).Select(built.Score)));
            Assert.That(TasteRanking.Recommend(fromJson, _ => true), Is.EqualTo(TasteRanking.Recommend(built, _ => true)));
            Assert.That(model.Marked.All(fromJson.Marked), Is.True);
            Assert.That(fromJson.IsEmpty, Is.False);
        }
    }

    [Test]
    public void Load_OfAStoredModel_SkipsFieldsItDoesNotKnow_AndCountsTermsTheWindowLacksInTheNorm()
    {
        var window = new WindowTerms([(1, "Protein design", "Diffusion designs protein structures."), (2, "Robots", "A robot walks.")]);
        var scorer = new TasteScorer(window);

        scorer.Load("""{"version":2,"profile":{"protein":0.5,"zebra":0.5},"liked":[{"paperId":9,"title":"P","note":[1,{"a":2}],"terms":{"protein":1}}],"marked":[9]}""");
        var withUnknown = scorer.Score(0);
        scorer.Load("""{"profile":{"protein":0.5},"liked":[{"paperId":9,"title":"P","terms":{"protein":1}}],"marked":[9]}""");

        Assert.That(withUnknown, Is.GreaterThan(0));
        Assert.That(withUnknown, Is.LessThan(scorer.Score(0)), "a profile word no window paper has still weighs in the profile's length");
        Assert.That(scorer.Score(1), Is.Zero);
        Assert.That(scorer.Resembles(0)?.PaperId, Is.EqualTo(9));
        Assert.That(scorer.Marked(9), Is.True);
    }
}
