using Newsletter.Delivery;
using Newsletter.Mail;
using Newsletter.Matching;
using Newsletter.Subscriptions;
using Newsletter.Templates;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Digests;

/// <summary>
/// The digest templates rendered once a run for every digest of one shape, each reader's values placed in the frame's
/// holes; a template that uses a reader's value otherwise is evaluated per digest.
/// </summary>
public class DigestFrameTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    [Test]
    public void DigestsOfOneShape_ShareOneFrame_AndEachReadsBackAsItsReadersOwnDigest()
    {
        var renderer = DigestSamples.Renderer();
        var frames = new DigestFrames();
        var entries = RunEntries(renderer);
        var readers = new[] { DigestSamples.Content(entries), Other(DigestSamples.Content(entries)) };

        foreach (var content in readers)
            AssertSameAsEvaluated(renderer, content with { Frames = frames }, content);

        Assert.That(frames.Count, Is.EqualTo(1), "one shape, one frame");
        var frame = frames.Find(frames.Keys.Single())!;
        Assert.That(new object?[] { frame.Subject, frame.Html, frame.Text }, Has.None.Null, "every digest template is framed");
    }

    [Test]
    public void DigestsOfAnotherShape_GetAFrameOfTheirOwn()
    {
        var renderer = DigestSamples.Renderer();
        var frames = new DigestFrames();
        var entries = RunEntries(renderer);

        AssertSameAsEvaluated(renderer, DigestSamples.Content(entries) with { Frames = frames }, DigestSamples.Content(entries));
        // Fewer papers, one topic fewer, no archive link: counts, stops and a link's presence are the frame's key.
        var fewer = Other(DigestSamples.Content(entries.Skip(3).ToList())) with { ArchiveUrl = null };
        AssertSameAsEvaluated(renderer, fewer with { Frames = frames }, fewer);

        Assert.That(frames.Count, Is.EqualTo(2));
    }

    [Test]
    public void ATemplateThatBranchesOnTheReader_IsEvaluatedPerDigest()
    {
        var folder = _workspace.PathFor("templates");
        CopyFolder(RepositoryPaths.Templates, folder);
        // A reader's address compared with a given one, and a paper's id written in the list: neither fits a frame.
        File.AppendAllText(Path.Combine(folder, "digest.txt.sbn"), "{{ if email == \"other@example.org\" }}\nWelcome back, other.{{ end }}\n");
        var html = Path.Combine(folder, "digest.html.sbn");
        File.WriteAllText(html, File.ReadAllText(html).Replace("{{ paper.html }}", "<a id=\"p{{ paper.id }}\"></a>{{ paper.html }}"));
        var renderer = new DigestRenderer(new TemplateCatalog(folder), new TopicCatalog(DigestSamples.Topics),
            Microsoft.Extensions.Options.Options.Create(new DigestOptions()));
        var frames = new DigestFrames();
        var entries = RunEntries(renderer);

        AssertSameAsEvaluated(renderer, DigestSamples.Content(entries) with { Frames = frames }, DigestSamples.Content(entries));
        var other = Other(DigestSamples.Content(entries));
        var text = AssertSameAsEvaluated(renderer, other with { Frames = frames }, other);

        Assert.That(text, Does.Contain("Welcome back, other."));
        var frame = frames.Find(frames.Keys.Single())!;
        Assert.That(frame.Text, Is.Null, "the text template is evaluated per digest");
        Assert.That(frame.Html, Is.Null, "the HTML template is evaluated per digest");
        Assert.That(frame.Subject, Is.Not.Null, "the subject still has its frame");
    }

    [TestCase("{{ email }} {{ email | html.escape }}{{ if email }}!{{ end }}{{ if archive && email != \"\" }}?{{ end }}", true)]
    [TestCase("{{ for s in stops }}{{ s.name | html.escape }}{{ if s.is_search }}*{{ end }}{{ end }}{{ (stops | array.size) > 0 }}", true)]
    [TestCase("{{ email | string.upcase }}", false)]
    [TestCase("{{ email | string.size }}", false)]
    [TestCase("{{ if email == \"a@b\" }}x{{ end }}", false)]
    [TestCase("{{ x = email }}{{ x }}", false)]
    [TestCase("{{ capture x }}{{ email }}{{ end }}{{ x | string.size }}", false)]
    [TestCase("{{ for s in stops }}{{ s.secret }}{{ end }}", false)]
    [TestCase("{{ for s in stops }}{{ s }}{{ end }}", false)]
    [TestCase("{{ for s in stops limit:1 }}{{ s.name }}{{ end }}{{ stops[0].name }}", false)]
    [TestCase("{{ for s in stops }}{{ s.name == \"x\" ? 1 : 2 }}{{ end }}", false)]
    public void CanSplit_OnlyWhenTheHolesAreWrittenOrTestedForBeingSet(string template, bool splits)
    {
        var folder = _workspace.PathFor("small");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "t.sbn"), template);
        var holes = new FrameHoles(new HashSet<string> { "email" },
            new Dictionary<string, FrameHoles.ListHoles> { ["stops"] = new(new HashSet<string> { "name" }, new HashSet<string> { "is_search" }) });

        Assert.That(new TemplateCatalog(folder).CanSplit("t.sbn", holes), Is.EqualTo(splits));
    }

    /// <summary>Entries as a sending run has them: every paper rendered once, placed with the row's highlights.</summary>
    private static List<DigestEntry> RunEntries(DigestRenderer renderer) =>
        DigestSamples.Entries.Select(e => e with
        {
            Rendered = renderer.Fragment(e), Matched = renderer.Matched(e.Labels), Marks = PaperExcerpt.Unmark(e.MarkedAbstract).Spans,
        }).ToList();

    /// <summary>Another reader of the same shape: their address and every link their own.</summary>
    private static DigestContent Other(DigestContent content) => content with
    {
        Email = "other@example.org",
        ArchiveUrl = content.ArchiveUrl?.Replace("ARCHIVE-TOKEN", "OTHER&ARCHIVE"),
        Links = new DigestLinks(
            content.Links.Manage.Replace("MANAGE-TOKEN", "OTHER-MANAGE"),
            content.Links.Unsubscribe.Replace("UNSUBSCRIBE-TOKEN", "OTHER-UNSUBSCRIBE"),
            content.Links.TopicStops.ToDictionary(s => s.Key, s => s.Value.Replace("MANAGE-TOKEN", "OTHER-MANAGE")))
        {
            KeywordStops = content.Links.KeywordStops.ToDictionary(s => s.Key, s => s.Value.Replace("MANAGE-TOKEN", "OTHER-MANAGE")),
        },
    };

    /// <summary>Writes <paramref name="framed"/> as a message and checks it reads back as <paramref name="content"/> evaluated whole; returns the text part.</summary>
    private static string AssertSameAsEvaluated(DigestRenderer renderer, DigestContent framed, DigestContent content)
    {
        var body = new AlternativeBody();
        var subject = renderer.Write(framed, body);
        var mailer = new Mailer(Microsoft.Extensions.Options.Options.Create(new SmtpOptions()),
            Microsoft.Extensions.Options.Options.Create(new MailOptions { From = "Papers <papers@example.org>" }),
            new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = RepositoryPaths.Root }, TimeProvider.System);
        var wire = WireMessages.Bytes(mailer.Compose(MimeKit.MailboxAddress.Parse(content.Email), subject, "<1@example.org>", body));
        var parsed = MimeKit.MimeMessage.Load(new MemoryStream(wire));
        var evaluated = renderer.Render(content);

        Assert.That(subject, Is.EqualTo(evaluated.Subject));
        Assert.That(parsed.HtmlBody?.ReplaceLineEndings("\n"), Is.EqualTo(evaluated.Html));
        Assert.That(parsed.TextBody?.ReplaceLineEndings("\n"), Is.EqualTo(evaluated.Text));
        var lines = System.Text.Encoding.ASCII.GetString(wire).Split("\r\n");
        Assert.That(lines.SkipWhile(l => l != "").Max(l => l.Length), Is.LessThanOrEqualTo(76), "body lines as quoted-printable folds them");
        return evaluated.Text;
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
