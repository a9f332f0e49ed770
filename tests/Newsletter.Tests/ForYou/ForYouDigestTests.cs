using Newsletter.Delivery;
using Newsletter.Tests.Digests;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.ForYou;

/// <summary>The digest of a reader with marks: a "Recommended for you" section, each paper saying which liked paper it resembles.</summary>
public class ForYouDigestTests
{

    private static DigestContent WithRecommendation()
    {
        var recommended = new DigestEntry(DigestSamples.Paper(77, "Antibody design by diffusion over protein structure", "2411.07777"),
            ["for-you:Latent Diffusion for Protein Design"], "Denoising diffusion designs antibody protein structures that bind their target.");
        return DigestSamples.Content(DigestSamples.Entries.Append(recommended).ToList());
    }

    [Test]
    public void HtmlPart_WithARecommendation_MatchesTheGoldenFile() =>
        GoldenFile.AssertDigest("digest-for-you.golden.html", DigestSamples.Renderer().Render(WithRecommendation()).Html);

    [Test]
    public void TextPart_WithARecommendation_MatchesTheGoldenFile() =>
        GoldenFile.AssertDigest("digest-for-you.golden.txt", DigestSamples.Renderer().Render(WithRecommendation()).Text);

    /// <summary>The "view in browser" copy of the same digest: More/Less like this under the copy's token, no personal links.</summary>
    private static DigestContent ArchiveCopy() => WithRecommendation() with
    {
        IsArchive = true, ArchiveUrl = null, SubscribeUrl = "https://papers.example.org/",
        FeedbackUrl = "https://papers.example.org/digests/ARCHIVE-TOKEN",
    };

    [Test]
    public void ArchiveCopy_WithARecommendation_MatchesTheGoldenFile() =>
        GoldenFile.AssertDigest("digest-archive.golden.html", DigestSamples.Renderer().Render(ArchiveCopy()).Html);

    [Test]
    public void ArchiveCopy_LinksEveryPaperUnderTheArchiveToken_AndNoneWhenItTakesNoMarks()
    {
        var renderer = DigestSamples.Renderer();

        var html = renderer.Render(ArchiveCopy()).Html;
        var closed = renderer.Render(ArchiveCopy() with { FeedbackUrl = null }).Html;

        foreach (var id in DigestSamples.Entries.Select(e => e.Paper.Id).Append(77))
            Assert.That(html, Does.Contain($"https://papers.example.org/digests/ARCHIVE-TOKEN/more/{id}\"")
                .And.Contain($"https://papers.example.org/digests/ARCHIVE-TOKEN/less/{id}\""));
        Assert.That(html, Does.Not.Contain("MANAGE-TOKEN").And.Not.Contain("UNSUBSCRIBE-TOKEN"));
        Assert.That(closed, Does.Not.Contain("More like this").And.Not.Contain("/more/"));
    }

    [Test]
    public void Recommendation_IsNotCountedAsAMatch_NorNamedInTheSubject()
    {
        var renderer = DigestSamples.Renderer();

        var with = renderer.Render(WithRecommendation());
        var without = renderer.Render(DigestSamples.Content());

        Assert.That(with.Subject, Is.EqualTo(without.Subject));
        Assert.That(with.Html, Does.Contain("Recommended for you").And.Contain("Like “Latent Diffusion for Protein Design”, which you liked"));
        Assert.That(without.Html, Does.Not.Contain("Recommended for you"));
    }
}
