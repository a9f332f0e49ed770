using Newsletter.Digests;
using Newsletter.Tests.Support;
using static Newsletter.Digests.DigestExcerpt;

namespace Newsletter.Tests.Digests;

/// <summary>The digest email from fixed input: golden files for both parts, the subject, excerpts and escaping.</summary>
public class DigestRenderingTests
{
    private static readonly string GoldenSource = Path.Combine(RepositoryPaths.Root, "tests", "Newsletter.Tests", "Fixtures", "Digests");

    [Test]
    public void HtmlPart_MatchesTheGoldenFile() =>
        AssertGolden("digest.golden.html", DigestSamples.Renderer().Render(DigestSamples.Content()).Html);

    [Test]
    public void TextPart_MatchesTheGoldenFile() =>
        AssertGolden("digest.golden.txt", DigestSamples.Renderer().Render(DigestSamples.Content()).Text);

    [Test]
    public void Subject_NamesTheCountTheLeadTopicTheOtherTopicsAndTheDate()
    {
        var renderer = DigestSamples.Renderer();

        Assert.That(renderer.Render(DigestSamples.Content()).Subject, Is.EqualTo("5 new papers on state space models and 2 more topics — 24 Nov"));
        Assert.That(renderer.Render(DigestSamples.Content(DigestSamples.Entries.Take(1).ToList())).Subject, Is.EqualTo("1 new paper on state space models — 24 Nov"));
        Assert.That(renderer.Render(DigestSamples.Content(DigestSamples.Entries.Skip(3).ToList())).Subject, Is.EqualTo("2 new papers on diffusion models and 1 more topic — 24 Nov"));
        Assert.That(renderer.Render(DigestSamples.Content([])).Subject, Is.EqualTo("No new papers this time — 24 Nov"));
    }

    [Test]
    public void Html_EscapesPaperText_AndHighlightsMatchedTerms()
    {
        var html = DigestSamples.Renderer().Render(DigestSamples.Content()).Html;

        Assert.That(html, Does.Contain("Efficient Mamba Kernels on &lt;Small&gt; GPUs &amp; Laptops"));
        Assert.That(html, Does.Not.Contain("<Small>"));
        Assert.That(html, Does.Contain($"<mark style=\"{MarkStyle}\">Mamba</mark>"));
        Assert.That(html.Contains(MarkStart, StringComparison.Ordinal) || html.Contains(MarkEnd, StringComparison.Ordinal), Is.False, "no marker left");
        Assert.That(html, Does.Not.Contain("<script").And.Not.Contain("<img").And.Not.Contain("<link"));
    }

    [Test]
    public void Authors_AreShortenedAfterTheFirstFew()
    {
        var text = DigestSamples.Renderer().Render(DigestSamples.Content()).Text;

        Assert.That(text, Does.Contain("Ada Lovelace, Alan Turing, Grace Hopper and 3 others"));
        Assert.That(text, Does.Contain("Jane Doe, John Roe"));
    }

    [Test]
    public void ArchivePage_LeavesOutThePersonalLinks()
    {
        var html = DigestSamples.Renderer().Render(DigestSamples.Content() with { IsArchive = true, ArchiveUrl = null }).Html;

        Assert.That(html, Does.Contain("Mamba Goes Multimodal"));
        Assert.That(html, Does.Not.Contain("UNSUBSCRIBE-TOKEN").And.Not.Contain("MANAGE-TOKEN"));
    }

    [TestCase("one two three four five", 11, "one two…")]
    [TestCase("one two three", 40, "one two three")]
    [TestCase("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghij…")]
    [TestCase("alpha beta, gamma delta", 12, "alpha beta…")]
    public void Excerpt_IsCutOnAWordBoundary(string text, int max, string expected) =>
        Assert.That(Cut(text, max), Is.EqualTo(expected));

    [Test]
    public void Excerpt_ClosesAMatchItCutsThrough() =>
        Assert.That(ToHtml(Cut($"see {MarkStart}state space{MarkEnd} models", 9)), Is.EqualTo($"see <mark style=\"{MarkStyle}\">state</mark>…"));

    private static void AssertGolden(string name, string actual)
    {
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1") File.WriteAllText(Path.Combine(GoldenSource, name), actual);
        var expected = File.ReadAllText(RepositoryPaths.Fixture(Path.Combine("Digests", name)));
        if (actual != expected)
        {
            var saved = Path.Combine(TestContext.CurrentContext.WorkDirectory, "actual." + name);
            File.WriteAllText(saved, actual);
            TestContext.AddTestAttachment(saved, "what was rendered");
        }
        Assert.That(actual, Is.EqualTo(expected), $"rendered {name} differs; rerun with UPDATE_GOLDEN=1 to accept, after reading the diff");
    }
}
