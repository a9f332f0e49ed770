using System.Security.Cryptography;
using Newsletter.ForYou;
using Newsletter.Listings;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.ForYou;

/// <summary>The taste model on known papers: what it lifts, lowers and recommends, and why.</summary>
public class TasteModelTests
{
    private static readonly (long Id, string Title, string Abstract)[] Window =
    [
        (1, "Protein backbone design with latent diffusion", "A diffusion model generates protein backbones by denoising in a latent space."),
        (2, "Faster tokenizers for search engines", "We make tokenizers for search engines faster with vectorised byte scans."),
        (3, "Robotic grasping from a single camera", "A robot learns to grasp unseen objects from one camera using imitation."),
        (4, "Antibody design by diffusion over protein structure", "Denoising diffusion designs antibody protein structures that bind their target."),
        (5, "Legged robot locomotion on rough terrain", "Reinforcement learning trains a legged robot to walk over rough terrain."),
    ];

    private static WindowTerms Terms() => new(Window.ToList());

    private static TasteScorer Scorer(TasteModel model)
    {
        var scorer = new TasteScorer(Terms());
        scorer.Load(model);
        return scorer;
    }

    private static float[] Scores(TasteScorer scorer)
    {
        var scores = new float[scorer.Window.Count];
        scorer.ScoreAll(scores);
        return scores;
    }

    private static TasteModel LikesProteinsDislikesRobots() => TasteModel.Build(
    [
        new MarkedPaper(10, "Diffusion models for protein structure generation", "We train a diffusion model that generates protein structures by denoising.", true),
        new MarkedPaper(11, "Robot manipulation with imitation learning", "A robot arm learns manipulation and grasping from camera demonstrations.", false),
    ]);

    [Test]
    public void Score_LiftsPapersLikeTheLikedOne_AndLowersPapersLikeTheDislikedOne()
    {
        var scorer = Scorer(LikesProteinsDislikesRobots());
        var window = scorer.Window;

        var scores = Scores(scorer);

        Assert.That(scores[window.IndexOf(1)], Is.GreaterThan(TasteRanking.Threshold));
        Assert.That(scores[window.IndexOf(4)], Is.GreaterThan(TasteRanking.Threshold));
        Assert.That(scores[window.IndexOf(2)], Is.EqualTo(0).Within(1e-6), "no shared words");
        Assert.That(scores[window.IndexOf(3)], Is.LessThan(0));
        Assert.That(Enumerable.Range(0, window.Count).Select(scorer.Score), Is.EqualTo(scores).Within(1e-6),
            "one paper scored alone, over its own terms, as in the scan of the window");
    }

    [Test]
    public void Reorder_MovesPapersAtMostThreePlaces_AndKeepsTheReadersOrderOtherwise()
    {
        var scorer = Scorer(LikesProteinsDislikesRobots());
        // The reader's order: robots first, proteins last, plus two papers outside the window.
        long[] order = [3, 100, 101, 2, 5, 4];

        var reordered = TasteRanking.Reorder(order, p => p, scorer);

        Assert.That(reordered.IndexOf(4), Is.EqualTo(2), "the liked-like paper moves up three places, not to the top");
        Assert.That(reordered.IndexOf(3), Is.GreaterThan(0), "the disliked-like paper moves down");
        Assert.That(reordered.Where(p => p is 100 or 101), Is.EqualTo(new long[] { 100, 101 }), "unscored papers keep their order");
    }

    [Test]
    public void Recommend_TakesOnlyEligibleUnmarkedPapersAboveTheThreshold_AndSaysWhichLikedPaperEachResembles()
    {
        var scorer = Scorer(LikesProteinsDislikesRobots());

        var recommended = TasteRanking.Recommend(scorer, id => id != 1);

        Assert.That(recommended.Select(r => r.PaperId), Is.EqualTo(new long[] { 4 }));
        Assert.That(recommended[0].ResemblesId, Is.EqualTo(10));
        Assert.That(recommended[0].ResemblesTitle, Is.EqualTo("Diffusion models for protein structure generation"));
    }

    [Test]
    public void Recommend_IsEmpty_WithOnlyDislikes()
    {
        var scorer = Scorer(TasteModel.Build([new MarkedPaper(11, "Robot manipulation", "A robot arm learns grasping.", false)]));

        Assert.That(scorer.IsEmpty, Is.True);
        Assert.That(TasteRanking.Recommend(scorer, _ => true), Is.Empty);
    }

    [Test]
    public void Model_StoredAsJsonBeforeItWasPacked_ReadsAndScoresAsBuilt()
    {
        // The layout reader_models held before migration 0028, as TasteModelStore.PackStored finds it.
        const string json = """
            {"profile":{"protein":0.6,"diffusion":0.4,"robot":-0.2},"liked":[{"paperId":10,"title":"Diffusion models for protein structure generation","terms":{"protein":0.7,"diffusion":0.5}}],"marked":[10,11]}
            """;
        var built = new TasteModel(new Dictionary<ulong, float> { [PaperTerms.Key("protein")] = 0.6f, [PaperTerms.Key("diffusion")] = 0.4f, [PaperTerms.Key("robot")] = -0.2f },
            [new TasteExample(10, "Diffusion models for protein structure generation", new Dictionary<ulong, float> { [PaperTerms.Key("protein")] = 0.7f, [PaperTerms.Key("diffusion")] = 0.5f })],
            [10, 11]);

        var stored = TasteModel.FromJson(json);

        Assert.That(stored.Pack(), Is.EqualTo(built.Pack()));
        Assert.That(Scores(Scorer(stored)), Is.EqualTo(Scores(Scorer(built))));
        Assert.That(Scores(Scorer(stored))[0], Is.GreaterThan(0));
    }

    [Test]
    public void Build_ByKey_PacksTheModelsItPackedWhenItCountedWords()
    {
        // 200 readers of the fixture papers (1 to 25 liked, 2 disliked, drawn with a fixed seed), their models packed
        // one after the other: the SHA-256 is what main 4719e55 made, counting each paper's words as strings. Equally
        // strong terms at the profile's cut still go in their words' order, so the same terms are kept.
        var papers = Directory.GetFiles(RepositoryPaths.PapersPages, "*.txt").Order(StringComparer.Ordinal)
            .SelectMany(p => ListingParser.Parse(File.ReadAllBytes(p), ListingFormat.Auto, DateTimeOffset.UnixEpoch).Entries)
            .DistinctBy(e => e.Title).Select((e, i) => (Id: 1000L + i, e.Title, e.Abstract)).ToList();
        var rng = new Random(16);
        var packed = new List<byte>();
        for (var r = 0; r < 200; r++)
        {
            var marked = Enumerable.Range(0, papers.Count).OrderBy(_ => rng.Next()).Take(1 + r % 25 + 2).ToList();
            packed.AddRange(TasteModel.Build(marked.Select((p, i) => new MarkedPaper(papers[p].Id, papers[p].Title, papers[p].Abstract, Liked: i >= 2)).ToList()).Pack());
        }

        Assert.That(Convert.ToHexString(SHA256.HashData(packed.ToArray())), Is.EqualTo("A5E2ED56A1E1F55D8EA94EDA83C747BF7827B4C3A96BC3E4B60811D302975CA5"));
    }
}
