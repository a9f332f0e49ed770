using Newsletter.Delivery;
using Newsletter.Mail;
using Newsletter.Subscriptions;
using Newsletter.Tests.Support;
using static Newsletter.Delivery.DigestExcerpt;

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
    public void MessageParts_WrittenOnceAsTheirBytes_ReadBackAsTheGoldenDigest_WithEachFragmentPlacedFromItsEncodedLines()
    {
        var renderer = DigestSamples.Renderer();
        // As a sending run has them: every paper rendered once, its lines encoded once, then placed with the row's highlights.
        var entries = DigestSamples.Entries.Select(e => e with { Rendered = renderer.Fragment(e), Marks = PaperExcerpt.Unmark(e.MarkedAbstract).Spans }).ToList();
        var body = new AlternativeBody();
        var subject = renderer.Write(DigestSamples.Content(entries), body);
        var mailer = new Mailer(Microsoft.Extensions.Options.Options.Create(new SmtpOptions()),
            Microsoft.Extensions.Options.Options.Create(new MailOptions { From = "Papers <papers@example.org>" }), new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = RepositoryPaths.Root }, TimeProvider.System);
        var message = mailer.Compose(MimeKit.MailboxAddress.Parse("reader@example.org"), subject, "<1@example.org>", body);
        var wire = WireMessages.Bytes(message);
        var parsed = message.Parsed();

        var golden = renderer.Render(DigestSamples.Content());
        Assert.That(subject, Is.EqualTo(golden.Subject));
        // Line ends as the reader's program gives them back (CRLF on the wire).
        Assert.That(parsed.HtmlBody?.ReplaceLineEndings("\n"), Is.EqualTo(golden.Html));
        Assert.That(parsed.TextBody?.ReplaceLineEndings("\n"), Is.EqualTo(golden.Text));
        Assert.That(wire.All(b => b < 128), Is.True, "7-bit on the wire");
        var lines = System.Text.Encoding.ASCII.GetString(wire).Split("\r\n");
        Assert.That(lines.Max(l => l.Length), Is.LessThanOrEqualTo(998), "no line over SMTP's limit");
        Assert.That(lines.SkipWhile(l => l != "").Max(l => l.Length), Is.LessThanOrEqualTo(76), "body lines as quoted-printable folds them");
        Assert.That(System.Text.Encoding.ASCII.GetString(wire).Replace("\r\n", ""), Does.Not.Contain("\n").And.Not.Contain("\r"), "CRLF line ends only");
    }

    [Test]
    public void Subject_CountsTopicsAndSearchesApart_AndNamesTheLeadAsTyped()
    {
        var renderer = DigestSamples.Renderer();
        string Subject(IEnumerable<DigestEntry> entries) => renderer.Render(DigestSamples.Content(entries.ToList())).Subject;

        Assert.That(Subject(DigestSamples.Entries), Is.EqualTo("5 new papers on state space models, 2 searches and 2 more topics — 24 Nov"));
        Assert.That(Subject(DigestSamples.Entries.Take(1)), Is.EqualTo("1 new paper on state space models and 1 more topic — 24 Nov"));
        Assert.That(Subject(DigestSamples.Entries.Skip(3)), Is.EqualTo("2 new papers on diffusion models and 2 searches — 24 Nov"));
        Assert.That(Subject(DigestSamples.Entries.Skip(4)), Is.EqualTo("1 new paper matching \"protein folding\" — 24 Nov"));
        Assert.That(Subject([]), Is.EqualTo("No new papers this time — 24 Nov"));
    }

    [Test]
    public void Subject_LedByASearch_CountsTheOtherSearchesAsMore()
    {
        var paper = DigestSamples.Entries[0].Paper;
        var entries = new List<DigestEntry>
        {
            new(paper, ["keyword:Mamba", "state-space-models"], paper.Abstract),
            new(paper with { Id = 9 }, ["keyword:" + DigestSamples.FlowMatching], paper.Abstract),
        };

        Assert.That(DigestSamples.Renderer().Render(DigestSamples.Content(entries)).Subject,
            Is.EqualTo("2 new papers matching Mamba, 1 topic and 1 more search — 24 Nov"));
    }

    // Issue 11.4: keywords were shown as `"DIFFUSION"` (quoted, then upper-cased by the group heading's style) and a
    // quoted phrase as `""flow matching""`.
    [Test]
    public void KeywordShownInQuotesOrCapitals_Bug_KeywordsAreShownExactlyAsTyped()
    {
        var rendered = DigestSamples.Renderer().Render(DigestSamples.Content());

        Assert.That(rendered.Html, Does.Contain(">DIFFUSION OR &quot;flow matching&quot;</code>"));
        Assert.That(rendered.Html, Does.Contain(">&quot;protein folding&quot;</code>"));
        Assert.That(rendered.Html, Does.Not.Contain("&quot;&quot;").And.Not.Contain("uppercase"));
        Assert.That(rendered.Text, Does.Contain("your search: \"protein folding\"").And.Contain("your search: DIFFUSION OR \"flow matching\""));
        Assert.That(rendered.Text, Does.Not.Contain("\"\""));
    }

    [Test]
    public void EveryTopicAndSearch_HasItsOwnStopLink()
    {
        var rendered = DigestSamples.Renderer().Render(DigestSamples.Content());

        foreach (var url in DigestSamples.Content().Links.TopicStops.Values.Concat(DigestSamples.Content().Links.KeywordStops.Values))
        {
            Assert.That(rendered.Html, Does.Contain($"href=\"{url}\""), url);
            Assert.That(rendered.Text, Does.Contain(url), url);
        }
    }

    [Test]
    public void EachPaper_SaysWhichTopicOrSearchMatched_AndItsUpvotes()
    {
        var text = DigestSamples.Renderer().Render(DigestSamples.Content()).Text;

        Assert.That(text, Does.Contain("42 upvotes · matched by State space models; Efficiency and quantization"));
        Assert.That(text, Does.Contain("7 upvotes · matched by Diffusion models; your search: DIFFUSION OR \"flow matching\""));
        Assert.That(text, Does.Contain("   matched by your search: \"protein folding\""));
    }

    [Test]
    public void Paper_ShowsItsTldrRepositoryProjectPageArxivIdAndDate_WhenKnown()
    {
        var rendered = DigestSamples.Renderer().Render(DigestSamples.Content());

        Assert.That(rendered.Html, Does.Contain("<strong>TL;DR</strong> Mamba-style selective scans make hour-long video understanding linear in time &amp; memory."));
        Assert.That(rendered.Html, Does.Contain("href=\"https://github.com/example/mamba-video\"").And.Contain(">GitHub</a>"));
        Assert.That(rendered.Html, Does.Contain("href=\"https://example.org/mamba-video\"").And.Contain(">Project page</a>"));
        Assert.That(rendered.Html, Does.Contain(">arXiv 2611.01234</a>").And.Contain("21 Nov 2026"));
        Assert.That(rendered.Text, Does.Contain("TL;DR: Mamba-style selective scans").And.Contain("GitHub: https://github.com/example/mamba-video"));
        Assert.That(rendered.Text, Does.Contain("arXiv 2611.01234 (21 Nov 2026): https://arxiv.org/abs/2611.01234"));
        Assert.That(rendered.Html.Split("TL;DR").Length, Is.EqualTo(2), "only the paper with a summary has one");
        Assert.That(rendered.Html.Split(">GitHub<").Length, Is.EqualTo(2), "only the paper with a repository links one");
    }

    [Test]
    public void ListingLinks_ThatAreNotWebAddresses_AreLeftOut()
    {
        var entry = DigestSamples.Entries[0];
        var hostile = entry with { Paper = entry.Paper with { GithubUrl = "javascript:alert(1)", ProjectUrl = "data:text/html,hi" } };

        var rendered = DigestSamples.Renderer().Render(DigestSamples.Content([hostile]));

        Assert.That(rendered.Html, Does.Not.Contain("javascript:").And.Not.Contain("data:text").And.Not.Contain(">GitHub<"));
    }

    [Test]
    public void WeeklyDigest_IsDatedByItsWeek()
    {
        var rendered = DigestSamples.Renderer().Render(DigestSamples.Content() with { Period = DigestPeriod.Of(true, new DateOnly(2026, 12, 3)) });

        Assert.That(rendered.Subject, Does.EndWith("— week of 30 Nov"));
        Assert.That(rendered.Text, Does.StartWith("Newsletter · Week of 30 Nov 2026"));
        Assert.That(rendered.Html, Does.Contain("Newsletter · Week of 30 Nov 2026"));
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
