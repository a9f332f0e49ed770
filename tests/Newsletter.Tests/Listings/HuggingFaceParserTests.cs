using System.Text.Json;
using Newsletter.Listings;

namespace Newsletter.Tests.Listings;

public class HuggingFaceParserTests
{
    [Test]
    public void Parse_MapsTheNestedPaperFields_AndTakesUpvotesFromThePaper()
    {
        var parsed = ListingsTestDatabase.Parse("hf-daily.json");

        var first = parsed.Entries[0];
        Assert.That(first.ArxivId, Is.EqualTo("2403.01234"));
        Assert.That(first.Title, Is.EqualTo("Mamba Meets Retrieval: Linear-Time Memory for Long Documents"));
        Assert.That(first.Abstract, Does.StartWith("We pair a selective state space model").And.EndWith("in linear time."));
        Assert.That(first.Upvotes, Is.EqualTo(42), "upvotes live under paper, not on the item");
        Assert.That(first.Authors, Is.EqualTo(new[] { "Ada Lovelace", "Alan Turing" }));
        Assert.That(first.PublishedAt, Is.EqualTo(new DateTimeOffset(2024, 3, 2, 14, 0, 0, TimeSpan.Zero)));
        Assert.That(first.AbsUrl, Is.EqualTo("https://arxiv.org/abs/2403.01234"));
        Assert.That(first.PdfUrl, Is.EqualTo("https://arxiv.org/pdf/2403.01234"));
        Assert.That(first.HfUrl, Is.EqualTo("https://huggingface.co/papers/2403.01234"));
        Assert.That(first.GithubUrl, Is.EqualTo("https://github.com/example/mamba-retrieval"));
        Assert.That(first.ProjectUrl, Is.EqualTo("https://example.org/mamba-retrieval"));
    }

    [Test]
    public void Parse_ReadsRepositoryProjectPageAndAiSummary_FromThePaperOrTheItem()
    {
        var parsed = ListingsTestDatabase.Parse("hf-daily-extras.json");

        Assert.That(parsed.Rejections, Is.Empty, "a repository that is not a string is ignored, not a reason to reject the paper");
        Assert.That(parsed.Entries.Select(e => (e.GithubUrl, e.ProjectUrl, e.AiSummary)), Is.EqualTo(new[]
        {
            ("https://github.com/example/summaries", "https://example.org/summaries", "A one-line summary that Hugging Face writes for each paper."),
            ("https://github.com/example/item-level", "https://example.org/item-level", "Extras read from the item when the paper has none."),
        }));
    }

    [Test]
    public void Parse_AnEmptyArray_IsADayWithNoPapers()
    {
        var parsed = HuggingFaceParser.Parse("[]");

        Assert.That(parsed.Entries, Is.Empty);
        Assert.That(parsed.Rejections.Total, Is.Zero);
    }

    [Test]
    public void Parse_DropsTheVersion_AndKeepsOldStyleIds()
    {
        var ids = ListingsTestDatabase.Parse("hf-daily.json").Entries.Select(e => e.ArxivId);

        Assert.That(ids, Is.EqualTo(new[] { "2403.01234", "2403.05678", "hep-th/9901001" }));
    }

    [Test]
    public void Parse_RejectsItemsWithoutTitleOrAbstractOrWithWrongTypes_WithTheirPositions()
    {
        var rejections = ListingsTestDatabase.Parse("hf-daily.json").Rejections;

        Assert.That(rejections.Select(r => r.Position), Is.EqualTo(new[] { "item 3", "item 4", "item 6" }));
        Assert.That(rejections[0].Reason, Does.Contain("no abstract"));
        Assert.That(rejections[1].Reason, Does.Contain("title is a number"));
        Assert.That(rejections[2].Reason, Is.EqualTo("no title"));
    }

    [Test]
    public void Parse_RejectsAFieldOverItsSizeCap_AndKeepsTheOthers()
    {
        var json = JsonSerializer.Serialize(new object[]
        {
            new { paper = new { id = "2403.00001", title = "Fine", summary = "Short." } },
            new { paper = new { id = "2403.00002", title = "Huge", summary = new string('a', ListingEntryRules.MaxAbstractLength + 1) } },
            new { paper = new { id = "2403.00003", title = new string('t', ListingEntryRules.MaxTitleLength + 1), summary = "x" } },
        });

        var parsed = HuggingFaceParser.Parse(json);

        Assert.That(parsed.Entries.Select(e => e.ArxivId), Is.EqualTo(new[] { "2403.00001" }));
        Assert.That(parsed.Rejections.Select(r => r.ToString()), Is.EqualTo(new[]
        {
            $"item 2: abstract longer than {ListingEntryRules.MaxAbstractLength} characters",
            $"item 3: title longer than {ListingEntryRules.MaxTitleLength} characters",
        }));
    }

    [Test]
    public void Parse_FailsTheWholeSource_WhenTheJsonIsTruncated()
    {
        var error = Assert.Throws<ListingFormatException>(() => ListingsTestDatabase.Parse("hf-daily-truncated.json"));

        Assert.That(error!.Message, Does.StartWith("not valid JSON").And.Contain("truncated"));
    }

    [Test]
    public void Parse_FailsTheWholeSource_WhenTheRootIsNotAnArray()
    {
        var error = Assert.Throws<ListingFormatException>(() => HuggingFaceParser.Parse("""{ "title": "not a list" }"""));

        Assert.That(error!.Message, Does.Contain("array"));
    }

    [Test]
    public void Parse_RejectsAnItemWithBytesThatAreNotUtf8_AndKeepsTheOthers()
    {
        // Found by the fuzz test: a stray 0xFF inside a JSON string.
        byte[] json =
        [
            .. "[{\"paper\":{\"id\":\"2403.1\",\"title\":\"Bad "u8, 0xFF,
            .. "\",\"summary\":\"x\"}},{\"paper\":{\"id\":\"2403.00002\",\"title\":\"Good\",\"summary\":\"y\"}}]"u8,
        ];

        var parsed = ListingParser.Parse(json, ListingFormat.Auto, DateTimeOffset.UtcNow);

        Assert.That(parsed.Entries.Single().Title, Is.EqualTo("Good"));
        Assert.That(parsed.Rejections.Single().ToString(), Is.EqualTo("item 1: broken item: text that is not valid UTF-8"));
    }
}
