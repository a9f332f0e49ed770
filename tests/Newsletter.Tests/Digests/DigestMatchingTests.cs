using Newsletter.Digests;
using Newsletter.Tests.Support;
using Newsletter.Storage;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.Digests;

/// <summary>Which papers a reader's topics and keywords select, and how they are ranked and capped.</summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class DigestMatchingTests(string provider) : DigestWorldFixture(Confirmed, provider)
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Seen = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private long _quantization, _stateSpace, _spaceState, _transformers, _mambaVideo, _mambaText, _diffusion;

    [SetUp]
    public void SetUp()
    {
        _quantization = World.AddPaper("Post-Training Quantization for Tiny Devices", "We quantize weights to four bits.", Seen);
        _stateSpace = World.AddPaper("Selective State Space Models Revisited", "Linear time sequence modelling.", Seen);
        _spaceState = World.AddPaper("The Space of Reachable States", "A state of the art analysis of reachable space.", Seen);
        _transformers = World.AddPaper("Transformers Are Graph Networks", "Attention viewed as message passing.", Seen);
        _mambaVideo = World.AddPaper("Mamba for Video", "Scanning video frames with Mamba.", Seen);
        _mambaText = World.AddPaper("Mamba for Text", "Long documents with Mamba.", Seen);
        _diffusion = World.AddPaper("Fast Diffusion Samplers", "Fewer denoising steps for image diffusion.", Seen, upvotes: 3);
    }

    private IReadOnlyList<long> PlanFor(params Newsletter.Matching.SubscriberFilter[] filters)
    {
        var reader = World.AddReader($"r{Guid.NewGuid():N}@example.org", Confirmed, filters);
        World.Planner.PlanDue(Due);
        return World.PapersSentTo(reader.Id);
    }

    [Test]
    public void Keyword_MatchesOtherFormsOfTheWord_ThroughStemming() =>
        Assert.That(PlanFor(Keyword("quantization")), Is.EqualTo(new[] { _quantization }));

    [Test]
    public void PhraseKeyword_MatchesOnlyTheWordsInOrder() =>
        Assert.That(PlanFor(Keyword("\"state space\"")), Is.EqualTo(new[] { _stateSpace }));

    [Test]
    public void PrefixKeyword_MatchesWordsStartingWithIt() =>
        Assert.That(PlanFor(Keyword("transform*")), Is.EqualTo(new[] { _transformers }));

    [Test]
    public void NotKeyword_LeavesOutPapersWithTheExcludedWord() =>
        Assert.That(PlanFor(Keyword("mamba NOT video")), Is.EqualTo(new[] { _mambaText }));

    [Test]
    public void NearKeyword_MatchesOnlyWordsCloseTogether()
    {
        var close = World.AddPaper("Sparse Attention Kernels", "Block sparse attention for long inputs.", Seen);
        World.AddPaper("Sparse Rewards", "Sparse signals make training hard; we add attention to the critic much later on in the model.", Seen);

        Assert.That(PlanFor(Keyword("NEAR(sparse attention, 2)")), Is.EqualTo(new[] { close }));
    }

    [Test]
    public void TopicsAndKeywords_AreCombined_EachPaperOnceWithEveryMatchingFilter()
    {
        var reader = World.AddReader("both@example.org", Confirmed, [Topic("state-space-models"), Topic("diffusion"), Keyword("video")]);

        World.Planner.PlanDue(Due);

        var items = DeliveryStore.Items(World.Rows(reader.Id).Single());
        Assert.That(items.Select(i => i.Paper), Is.EquivalentTo(new[] { _stateSpace, _mambaVideo, _mambaText, _diffusion }));
        var video = items.Single(i => i.Paper == _mambaVideo);
        Assert.That(video.Labels, Is.EquivalentTo(new[] { "state-space-models", "keyword:video" }), "shown once, naming both filters");
    }

    [Test]
    public void Ranking_PutsTitleMatchesAboveAbstractMatches()
    {
        var abstractOnly = World.AddPaper("Graph Learning at Scale", "We compare against a graph transformer baseline.", Seen);

        var sent = PlanFor(Keyword("transformer*"));

        Assert.That(sent, Is.EqualTo(new[] { _transformers, abstractOnly }));
    }

    [Test]
    public void Ranking_BoostsUpvotedPapers_AndKeepsListingOrderOnTies()
    {
        var first = World.AddPaper("Kernels One", "About kernels.", Seen);
        var second = World.AddPaper("Kernels Two", "About kernels.", Seen);
        var popular = World.AddPaper("Kernels Three", "About kernels.", Seen, upvotes: 40);

        var sent = PlanFor(Keyword("kernels"));

        Assert.That(sent, Is.EqualTo(new[] { popular, first, second }));
    }

    [Test]
    public void Digest_IsCappedAtMaxPapers_KeepingTheBest()
    {
        for (var i = 0; i < 25; i++) World.AddPaper($"Widget study {i}", "widgets", Seen, upvotes: i);

        var sent = PlanFor(Keyword("widget"));

        Assert.That(sent, Has.Count.EqualTo(20));
        Assert.That(World.Get<Newsletter.Listings.PaperStore>().Get(sent.Take(1).ToList()).Single().Title, Is.EqualTo("Widget study 24"));
    }

    [Test]
    public void InvalidKeyword_IsSkipped_AndTheReadersOtherFiltersStillWork()
    {
        var broken = World.AddReader("broken@example.org", Confirmed, [Keyword("\"unclosed AND ("), Keyword("quantization")]);
        var other = World.AddReader("other@example.org", Confirmed, [Keyword("diffusion")]);

        var run = World.Planner.Run(Due);

        Assert.That(run.Readers, Is.EqualTo(2));
        Assert.That(World.PapersSentTo(broken.Id), Is.EqualTo(new[] { _quantization }));
        Assert.That(World.PapersSentTo(other.Id), Is.EqualTo(new[] { _diffusion }));
    }

    [Test]
    public void EachDistinctFilter_RunsOnce_HoweverManyReadersShareIt()
    {
        // More readers than one page, so paging is exercised too.
        string[] keywords = ["mamba", "diffusion", "quantization"];
        var readers = Enumerable.Range(0, 2100)
            .Select(i => World.AddReader($"shared{i}@example.org", Confirmed, [Topic("state-space-models"), Keyword(keywords[i % 3])]))
            .ToList();
        World.AddReader("unique@example.org", Confirmed, [Keyword("transformers"), Topic("no-such-topic")]);

        var run = World.Planner.Run(Due);

        Assert.That(run.Readers, Is.EqualTo(2101));
        Assert.That(run.DistinctFilters, Is.EqualTo(6), "1 topic + 3 keywords + 1 keyword + 1 unknown topic");
        Assert.That(run.FilterQueries, Is.EqualTo(5), "one query per distinct filter; an unknown topic needs none");
        Assert.That(World.PapersSentTo(readers[^1].Id), Is.EquivalentTo(new[] { _stateSpace, _mambaVideo, _mambaText, _quantization }));
    }

    [Test]
    public void ManyDistinctFilters_InOnePage_EachRunOnce_WithEveryReadersOwnResults()
    {
        // Readers' filters resolved while their page is read: each reader keeps their own, a broken one is skipped.
        var readers = Enumerable.Range(0, 40)
            .Select(i => World.AddReader($"many{i}@example.org", Confirmed,
                [Keyword(i % 2 == 0 ? "quantization" : "diffusion"), Keyword($"mamba OR nosuchword{i}")]))
            .ToList();
        var broken = World.AddReader("broken-many@example.org", Confirmed, [Keyword("\"unclosed AND ("), Keyword("transformers")]);

        var run = World.Planner.Run(Due);

        Assert.That(run.Readers, Is.EqualTo(41));
        Assert.That(run.DistinctFilters, Is.EqualTo(2 + 40 + 2));
        Assert.That(run.FilterQueries, Is.EqualTo(2 + 40 + 1), "one query per distinct filter; the broken one is refused before it runs");
        for (var i = 0; i < readers.Count; i++)
        {
            var own = i % 2 == 0 ? _quantization : _diffusion;
            Assert.That(World.PapersSentTo(readers[i].Id), Is.EquivalentTo(new[] { own, _mambaVideo, _mambaText }), $"reader {i}");
        }
        Assert.That(World.PapersSentTo(broken.Id), Is.EqualTo(new[] { _transformers }));
    }

    [Test]
    public void ReadersNotDue_BetweenDueOnes_LendNoneOfTheirFilters()
    {
        // A page's filters are read over its span of reader ids, which also holds readers not due now.
        var first = World.AddReader("first@example.org", Confirmed, [Keyword("quantization")]);
        var later = World.AddReader("later@example.org", Due.AddDays(1), [Keyword("diffusion")]);
        var none = World.AddReader("none@example.org", Confirmed, []);
        var last = World.AddReader("last@example.org", Confirmed, [Keyword("transformers")]);

        var run = World.Planner.Run(Due);

        Assert.That(run.Readers, Is.EqualTo(3));
        Assert.That(World.PapersSentTo(first.Id), Is.EqualTo(new[] { _quantization }));
        Assert.That(World.PapersSentTo(none.Id), Is.Empty);
        Assert.That(World.PapersSentTo(last.Id), Is.EqualTo(new[] { _transformers }), "not the later reader's diffusion");
        Assert.That(World.Rows(later.Id), Is.Empty);
    }
}
