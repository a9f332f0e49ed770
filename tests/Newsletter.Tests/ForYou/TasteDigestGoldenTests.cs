using System.Text.RegularExpressions;
using Newsletter.Delivery;
using Newsletter.ForYou;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.ForYou;

/// <summary>
/// Two readers with the same search over the same known papers, one with marks: their digests, planned and composed
/// as the digest job does, against golden files. The reader without marks gets the reader's order alone; the one
/// with marks gets the liked-like paper lifted, the disliked-like one lowered, and a "Recommended for you" section.
/// </summary>
public partial class TasteDigestGoldenTests
{
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Seen = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task DigestsWithAndWithoutMarks_MatchTheirGoldenFiles()
    {
        await using var world = new DigestWorld(Due.AddHours(-1));
        // Liked a week before this window, so it is no news to anyone now.
        var liked = world.AddPaper("Diffusion models for protein structure generation",
            "We train a diffusion model that generates protein structures by denoising.", Seen.AddDays(-7), arxivId: "2611.00001");
        var disliked = world.AddPaper("Robot arms that learn grasping",
            "A robot arm learns grasping from camera demonstrations.", Seen.AddDays(-7), arxivId: "2611.00002");
        world.AddPaper("Robot kernels for grasping", "A robot learns grasping with kernels from camera demonstrations.", Seen, "A. Robot", 90, "2611.00010");
        world.AddPaper("Kernels for sorting", "About kernels that sort integers.", Seen, "S. Sort", 50, "2611.00011");
        world.AddPaper("Kernels for hashing", "About kernels that hash strings.", Seen, "H. Hash", 40, "2611.00012");
        world.AddPaper("Protein kernels by diffusion", "Denoising diffusion kernels design protein structures.", Seen, "P. Fold", 10, "2611.00013");
        world.AddPaper("Antibody design by diffusion over protein structure", "Denoising diffusion designs antibody protein structures that bind.",
            Seen, "A. Body", 5, "2611.00014");
        world.AddPaper("Faster tokenizers for search engines", "We make tokenizers faster with vectorised byte scans.", Seen, "T. Token", 3, "2611.00015");
        var plain = world.AddReader("plain@example.org", Confirmed, [Keyword("kernels")]);
        var taste = world.AddReader("taste@example.org", Confirmed, [Keyword("kernels")]);
        world.Get<ReaderTaste>().Mark(taste.Id, liked, MarkStore.More, MarkStore.FromLiked);
        world.Get<ReaderTaste>().Mark(taste.Id, disliked, MarkStore.Less, MarkStore.FromDigest);

        world.Planner.PlanDue(Due);

        string Text(long reader) => Masked(world.Get<DigestComposer>().Compose(world.Rows(reader).Single()).Message.Parsed().TextBody ?? "");
        var (without, with) = (Text(plain.Id), Text(taste.Id));
        Assert.Multiple(() =>
        {
            GoldenFile.AssertDigest("digest-planned-without-marks.golden.txt", without);
            GoldenFile.AssertDigest("digest-planned-with-marks.golden.txt", with);
        });
    }

    /// <summary>The reader's link tokens vary with the server's random key: each is replaced by its kind.</summary>
    private static string Masked(string text) => Token().Replace(text, m => $"/{m.Groups[1].Value}/{m.Groups[1].Value.ToUpperInvariant()}-TOKEN");

    [GeneratedRegex(@"/(manage|unsubscribe|digests)/[0-9]*\.?[A-Za-z0-9_-]{43}")]
    private static partial Regex Token();
}
