using Newsletter.Templates;
using Newsletter.Tests.Support;
using Scriban.Runtime;

namespace Newsletter.Tests.Templates;

public class TemplateCatalogTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    /// <summary>A templates folder in the workspace holding these files (names relative to it).</summary>
    private string Templates(params (string Name, string Text)[] files)
    {
        var folder = _workspace.PathFor("templates");
        foreach (var (name, text) in files)
        {
            var path = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
        return folder;
    }

    [Test]
    public void Load_ReportsFileAndLine_WhenATemplateHasASyntaxError()
    {
        var folder = Templates(("good.sbn", "Hello {{ name }}"), ("web/broken.html.sbn", "line one\nline two\n{{ for x in items }}\n<p>{{ x }</p>\n"));

        var error = Assert.Throws<TemplateException>(() => new TemplateCatalog(folder))!;

        Assert.That(error.Errors, Is.Not.Empty);
        Assert.That(error.Errors[0], Does.StartWith("web/broken.html.sbn(4,"));
    }

    [Test]
    public void Render_IncludesTheTemplatesParsedAtStart_NotTheFilesAsTheyAreNow()
    {
        var folder = Templates(("page.sbn", "[{{ include 'web/_part.sbn' }}]"), ("web/_part.sbn", "part for {{ name }}"));
        var catalog = new TemplateCatalog(folder);
        File.WriteAllText(Path.Combine(folder, "web", "_part.sbn"), "changed {{ broken");

        var first = catalog.Render("page.sbn", new ScriptObject { ["name"] = "Ada" });
        var second = catalog.Render("page.sbn", new ScriptObject { ["name"] = "Grace" });

        Assert.That((first, second), Is.EqualTo(("[part for Ada]", "[part for Grace]")));
    }

    [Test]
    public void Load_ParsesEveryShippedTemplate()
    {
        var catalog = new TemplateCatalog(RepositoryPaths.Templates);

        Assert.That(catalog.Names, Does.Contain("digest.html.sbn").And.Contain("digest.txt.sbn").And.Contain("digest.paper.html.sbn").And.Contain("web/layout.html.sbn"));
    }

    [Test]
    public void DigestPaperHtml_EscapesListingText()
    {
        var catalog = new TemplateCatalog(RepositoryPaths.Templates);
        var paper = new ScriptObject
        {
            ["title"] = "<script>alert(1)</script> & more",
            ["url"] = "https://example.org/?a=1&b=\"2\"",
            ["authors"] = "A <b>Author</b>",
            // Excerpts arrive as HTML already escaped (and highlighted) by the digest renderer.
            ["excerpt_html"] = Newsletter.Delivery.DigestExcerpt.ToHtml("x < y"),
            ["has_matched"] = true,
            // The "Matched by" names arrive rendered by their own template, which escapes them.
            ["matched_html"] = catalog.Render("digest.matched.html.sbn", new ScriptObject
            {
                ["matched"] = new List<ScriptObject> { new() { ["name"] = "<i>t</i>", ["is_search"] = false }, new() { ["name"] = "<i>g</i>", ["is_search"] = true } },
            }),
            ["tldr"] = "<b>bold</b> claim",
        };
        var html = catalog.Render("digest.paper.html.sbn", new ScriptObject { ["paper"] = paper });

        Assert.That(html, Does.Not.Contain("<script>"));
        Assert.That(html, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        Assert.That(html, Does.Contain("A &lt;b&gt;Author&lt;/b&gt;"));
        Assert.That(html, Does.Contain("x &lt; y"));
        Assert.That(html, Does.Contain("Matched by &lt;i&gt;t&lt;/i&gt;, your search").And.Contain(">&lt;i&gt;g&lt;/i&gt;</code>"));
        Assert.That(html, Does.Contain("&lt;b&gt;bold&lt;/b&gt; claim"));
        Assert.That(html, Does.Contain("href=\"https://example.org/?a=1&amp;b=&quot;2&quot;\""));
    }
}
