using Newsletter.ForYou;
using Newsletter.Listings;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.ForYou;

/// <summary>
/// The scorer over the 310 real papers of the papers-page fixtures, with seeded readers: what planning computes
/// (packed models read straight into the window's terms) equals the plain computation.
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
    public void Load_OfAPackedModel_ScoresTheCosineOfItsWordsInTheWindow_ReaderAfterReader()
    {
        var papers = Papers.Value;
        var window = new WindowTerms(papers);
        var vectors = papers.Select(p => PaperTerms.KeysOf(p.Title, p.Abstract).ToDictionary(t => t.Key, t => t.Weight)).ToList();
        var df = vectors.SelectMany(v => v.Keys).CountBy(t => t).ToDictionary(c => c.Key, c => c.Value);
        // The window's smoothed IDF, worked out from the papers' terms themselves, by key as the packed model names them.
        double Idf(ulong term) => Math.Log((papers.Count + 1.0) / (df.GetValueOrDefault(term) + 1.0)) + 1;
        var units = vectors.Select(v =>
        {
            var norm = Math.Sqrt(v.Sum(t => Math.Pow(t.Value * Idf(t.Key), 2)));
            return v.ToDictionary(t => t.Key, t => t.Value * Idf(t.Key) / norm);
        }).ToList();
        var scorer = new TasteScorer(window);
        foreach (var model in Readers(12))
        {
            var profile = model.Profile.ToDictionary(t => t.Key, t => t.Value * Math.Pow(Idf(t.Key), 3));
            var norm = Math.Sqrt(profile.Values.Sum(w => w * w));
            var expected = units.Select(paper => profile.Where(t => paper.ContainsKey(t.Key)).Sum(t => t.Value / norm * paper[t.Key])).ToList();

            scorer.Load(model.Pack());

            Assert.That(Enumerable.Range(0, window.Count).Select(i => (double)scorer.Score(i)), Is.EqualTo(expected).Within(1e-5));
            Assert.That(model.Marked.All(scorer.Marked), Is.True);
            Assert.That(scorer.IsEmpty, Is.False);
        }
    }

    [Test]
    public void Load_OfAPackedModel_CountsTermsTheWindowLacksInTheNorm_AndNamesTheLikedPaperByItsTitle()
    {
        var window = new WindowTerms([(1, "Protein design", "Diffusion designs protein structures."), (2, "Robots", "A robot walks.")]);
        var scorer = new TasteScorer(window);
        TasteModel Likes(params string[] words) => new(words.ToDictionary(w => PaperTerms.Key(w), _ => 0.5f),
            [new TasteExample(9, "Protéines dépliées", new Dictionary<ulong, float> { [PaperTerms.Key("protein")] = 1 })], [9]);

        scorer.Load(Likes("protein", "zebra").Pack());
        var withUnknown = scorer.Score(0);
        scorer.Load(Likes("protein").Pack());

        Assert.That(withUnknown, Is.GreaterThan(0));
        Assert.That(withUnknown, Is.LessThan(scorer.Score(0)), "a profile word no window paper has still weighs in the profile's length");
        Assert.That(scorer.Score(1), Is.Zero);
        Assert.That(scorer.Resembles(0), Is.EqualTo(((long)9, "Protéines dépliées")));
        Assert.That(scorer.Marked(9), Is.True);
        Assert.That(() => scorer.Load([2, 0, 0, 0, 0]), Throws.TypeOf<InvalidDataException>(), "a format this build does not know is refused, not misread");
    }

    [Test]
    public void IndexOf_FindsEachPaperOfTheWindow_WhetherItsIdsAreOneRunOrFarApart()
    {
        foreach (long[] ids in new[] { new long[] { 7, 5, 6, 9 }, new long[] { 3, 1_000_000, 40, 2_000_000_000_000 } })
        {
            var window = new WindowTerms(ids.Select(id => (id, "Paper " + id, "About kernels.")).ToList());

            Assert.That(ids.Select(window.IndexOf), Is.EqualTo(Enumerable.Range(0, ids.Length)));
            Assert.That(new long[] { 0, 2, 4, 8, 10, 999_999, -1, long.MaxValue, long.MinValue }.Select(window.IndexOf), Is.All.EqualTo(-1));
        }
    }
}
