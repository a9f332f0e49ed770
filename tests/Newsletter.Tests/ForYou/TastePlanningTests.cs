using Newsletter.Digests;
using Newsletter.Matching;
using Newsletter.ForYou;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.ForYou;

/// <summary>Planning with readers' taste: marks lift, lower and recommend; readers without marks get the same digest as before.</summary>
public class TastePlanningTests
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Seen = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private TestWorkspace _workspace = null!;
    private DigestWorld _world = null!;
    private long _liked, _robots, _kernelsA, _kernelsB, _proteins, _tokenizers;

    [SetUp]
    public void SetUp()
    {
        _workspace = new TestWorkspace();
        _world = new DigestWorld(_workspace, Due.AddHours(-1));
        // Marked before this window (seen a week earlier), so it is not new to anyone.
        _liked = _world.AddPaper("Diffusion models for protein structure generation", "We train a diffusion model that generates protein structures by denoising.", Seen.AddDays(-7));
        // Matched by "kernels", in the reader's (trending) order: robots first, proteins last.
        _robots = _world.AddPaper("Robot kernels for grasping", "A robot learns grasping with kernels from camera demonstrations.", Seen, upvotes: 90);
        _kernelsA = _world.AddPaper("Kernels for sorting", "About kernels that sort integers.", Seen, upvotes: 50);
        _kernelsB = _world.AddPaper("Kernels for hashing", "About kernels that hash strings.", Seen, upvotes: 40);
        _proteins = _world.AddPaper("Protein kernels by diffusion", "Denoising diffusion kernels design protein structures.", Seen, upvotes: 10);
        // Not matched by any filter.
        _tokenizers = _world.AddPaper("Antibody design by diffusion over protein structure", "Denoising diffusion designs antibody protein structures that bind.", Seen);
        _world.AddPaper("Faster tokenizers for search engines", "We make tokenizers faster with vectorised byte scans.", Seen);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _world.DisposeAsync();
        _workspace.Dispose();
    }

    private IReadOnlyList<DigestItem> Items(long reader) => DeliveryStore.Items(_world.Rows(reader).Single());

    [Test]
    public void ReaderWithMarks_GetsLikedPapersLifted_AndARecommendationSayingWhatItResembles()
    {
        var reader = _world.AddReader("taste@example.org", Confirmed, [Keyword("kernels")], order: "trending");
        var plain = _world.AddReader("plain@example.org", Confirmed, [Keyword("kernels")], order: "trending");
        _world.Get<ReaderTaste>().Mark(reader.Id, _liked, MarkStore.More, MarkStore.FromLiked);

        _world.Planner.PlanDue(Due);

        var items = Items(reader.Id);
        Assert.That(_world.PapersSentTo(plain.Id), Is.EqualTo(new[] { _robots, _kernelsA, _kernelsB, _proteins }), "no marks, no change");
        Assert.That(items.Take(4).Select(i => i.Paper), Is.EqualTo(new[] { _robots, _proteins, _kernelsA, _kernelsB }),
            "the liked-like paper moves up, at most three places, and ties keep the reader's order");
        Assert.That(items.Skip(4).Select(i => (i.Paper, i.Labels.Single())),
            Is.EqualTo(new[] { (_tokenizers, "for-you:Diffusion models for protein structure generation") }));
    }

    [Test]
    public void Marks_OfOneReader_LeaveAnotherReadersDigestAsItWas()
    {
        var plain = _world.AddReader("plain@example.org", Confirmed, [Keyword("kernels OR diffusion")]);
        var other = _world.AddReader("other@example.org", Confirmed, [Keyword("robot")]);
        var before = new List<DigestItem>();
        _world.Planner.Run(Due, dryRun: true, onDigest: (r, d) => { if (r.Id == plain.Id) before.AddRange(d.Items); });
        _world.Get<ReaderTaste>().Mark(other.Id, _robots, MarkStore.Less, MarkStore.FromDigest);
        _world.Get<ReaderTaste>().Mark(other.Id, _liked, MarkStore.More, MarkStore.FromDigest);

        _world.Planner.PlanDue(Due);

        Assert.That(before, Has.Count.EqualTo(5));
        static IEnumerable<(long, string, double)> Shown(IEnumerable<DigestItem> items) => items.Select(i => (i.Paper, string.Join('|', i.Labels), i.Score));
        Assert.That(Shown(Items(plain.Id)), Is.EqualTo(Shown(before)));
        Assert.That(Items(other.Id).Any(i => i.Labels.Single().StartsWith("for-you:", StringComparison.Ordinal)), Is.True, "the marks did count for their reader");
    }

    [Test]
    public void Preview_OfAReaderWithMarks_IsTheirDigest_AndOfAReaderWithout_IsTheirsToo()
    {
        var reader = _world.AddReader("taste@example.org", Confirmed, [Keyword("kernels")], order: "trending");
        var plain = _world.AddReader("plain@example.org", Confirmed, [Keyword("kernels")], order: "trending");
        _world.Get<ReaderTaste>().Mark(reader.Id, _liked, MarkStore.More, MarkStore.FromLiked);

        // A preview opens the taste step for its own reader only (not every marked reader's window): its digest all the same.
        var previewed = _world.Planner.Preview(reader, [Keyword("kernels")], Due).Items;
        var previewedPlain = _world.Planner.Preview(plain, [Keyword("kernels")], Due).Items;
        _world.Planner.PlanDue(Due);

        static IEnumerable<(long, string)> Shown(IEnumerable<DigestItem> items) => items.Select(i => (i.Paper, string.Join('|', i.Labels)));
        Assert.That(Shown(previewed), Is.EqualTo(Shown(Items(reader.Id))));
        Assert.That(previewed.Any(i => i.Labels.Single().StartsWith("for-you:", StringComparison.Ordinal)), Is.True, "the preview shows the recommendation");
        Assert.That(Shown(previewedPlain), Is.EqualTo(Shown(Items(plain.Id))));
        Assert.That(previewedPlain.Any(i => i.Labels.Single().StartsWith("for-you:", StringComparison.Ordinal)), Is.False);
    }
}
