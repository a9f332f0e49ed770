using Newsletter.Listings;

namespace Newsletter.Tests.Listings;

public class ArxivApiParserTests
{
    [Test]
    public void Parse_MapsEntryFields_IdWithoutVersion_PdfLink_AndCategoriesPrimaryFirst()
    {
        var first = ListingsTestDatabase.Parse("arxiv-api.xml").Entries[0];

        Assert.That(first.ArxivId, Is.EqualTo("2403.01234"));
        Assert.That(first.Title, Is.EqualTo("Mamba Meets Retrieval: Linear-Time Memory for Long Documents"));
        Assert.That(first.Abstract, Is.EqualTo(
            "We pair a selective state space model with a retrieval index. The model answers questions over books in linear time."));
        Assert.That(first.Authors, Is.EqualTo(new[] { "Ada Lovelace", "Alan Turing" }));
        Assert.That(first.Categories, Is.EqualTo(new[] { "cs.LG", "cs.CL" }));
        Assert.That(first.PublishedAt, Is.EqualTo(new DateTimeOffset(2024, 3, 2, 14, 0, 0, TimeSpan.Zero)));
        Assert.That(first.AbsUrl, Is.EqualTo("https://arxiv.org/abs/2403.01234"));
        Assert.That(first.PdfUrl, Is.EqualTo("http://arxiv.org/pdf/2403.01234v2"));
        Assert.That(first.UpdateOnly, Is.False);
    }

    [Test]
    public void Parse_KeepsOldStyleIdsAndDecodesEntities()
    {
        var old = ListingsTestDatabase.Parse("arxiv-api.xml").Entries[1];

        Assert.That(old.ArxivId, Is.EqualTo("math.GT/0309136"));
        Assert.That(old.Title, Is.EqualTo("Knots & Old Identifiers"));
        Assert.That(old.Categories, Is.EqualTo(new[] { "math.GT" }));
    }

    [Test]
    public void Parse_RejectsBrokenAndIncompleteEntries_WithPosition_AndReadsTheRest()
    {
        var parsed = ListingsTestDatabase.Parse("arxiv-api.xml");

        Assert.That(parsed.Entries, Has.Count.EqualTo(2));
        Assert.That(parsed.Rejections.Select(r => r.Position), Is.EqualTo(new[] { "entry 2 (line 25)", "entry 3 (line 30)", "entry 5 (line 44)" }));
        Assert.That(parsed.Rejections[0].Reason, Does.StartWith("broken element at line 27"));
        Assert.That(parsed.Rejections[1].Reason, Is.EqualTo("no title"));
        Assert.That(parsed.Rejections[2].Reason, Does.StartWith("broken element").And.Contain("nbsp"));
    }

    [Test]
    public void Parse_RefusesADoctype_SoNoExternalEntityIsEverRead()
    {
        var error = Assert.Throws<ListingFormatException>(() => ListingsTestDatabase.Parse("doctype-entity.xml"));

        Assert.That(error!.Message, Does.Contain("DTD"));
    }

    [Test]
    public void Parse_FailsTheWholeSource_WhenTheDocumentIsTruncated()
    {
        var error = Assert.Throws<ListingFormatException>(() => ListingsTestDatabase.Parse("arxiv-api-truncated.xml"));

        Assert.That(error!.Message, Does.StartWith("truncated XML"));
    }

    [Test]
    public void Parse_RejectsArxivApiErrorEntries()
    {
        var parsed = ArxivApiParser.Parse("""
            <feed xmlns="http://www.w3.org/2005/Atom">
              <entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id><title>Error</title>
                <summary>incorrect id format for 1234</summary></entry>
            </feed>
            """);

        Assert.That(parsed.Entries, Is.Empty);
        Assert.That(parsed.Rejections.Single().Reason, Does.StartWith("arXiv API error: incorrect id format"));
    }
}
