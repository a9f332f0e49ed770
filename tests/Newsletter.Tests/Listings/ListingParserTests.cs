using Newsletter.Listings;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Listings;

public class ListingParserTests
{
    [TestCase("hf-daily.json", ListingFormat.HuggingFaceJson)]
    [TestCase("arxiv-api.xml", ListingFormat.ArxivApiAtom)]
    [TestCase("arxiv-rss.xml", ListingFormat.ArxivRss)]
    [TestCase("arxiv-announce.atom", ListingFormat.ArxivRss)]
    [TestCase("papers-page-edge.txt", ListingFormat.PapersPage)]
    public void Detect_RecognisesEachFormatFromItsContent(string fixture, ListingFormat expected)
    {
        var text = File.ReadAllText(RepositoryPaths.Fixture(Path.Combine("Listings", fixture)));

        Assert.That(ListingParser.Detect(text), Is.EqualTo(expected));
    }

    [Test]
    public void Parse_FailsWithOneMessage_WhenTheTextIsNoKnownFormat()
    {
        var error = Assert.Throws<ListingFormatException>(() => ListingsTestDatabase.Parse("not-a-listing.txt"));

        Assert.That(error!.Message, Does.StartWith("not a known listing format"));
    }

    [Test]
    public void Parse_FailsAsBinary_ForBytesThatAreNotText()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0xFF, 0xD8];

        var error = Assert.Throws<ListingFormatException>(() => ListingParser.Parse(png, ListingFormat.Auto, DateTimeOffset.UtcNow));

        Assert.That(error!.Message, Does.StartWith("binary content"));
    }

    [Test]
    public void Parse_FailsForAnEmptySource()
    {
        var error = Assert.Throws<ListingFormatException>(() => ListingParser.Parse(" \n\n "u8.ToArray(), ListingFormat.Auto, DateTimeOffset.UtcNow));

        Assert.That(error!.Message, Is.EqualTo("the source is empty"));
    }

    [TestCase("hf-daily.json", ListingFormat.ArxivApiAtom)]
    [TestCase("arxiv-api.xml", ListingFormat.HuggingFaceJson)]
    [TestCase("arxiv-rss.xml", ListingFormat.PapersPage)]
    [TestCase("papers-page-edge.txt", ListingFormat.ArxivRss)]
    public void Parse_WithAForcedFormat_FailsWhenTheContentIsAnother(string fixture, ListingFormat forced)
    {
        Assert.Throws<ListingFormatException>(() => ListingsTestDatabase.Parse(fixture, forced));
    }

    [Test]
    public void Parse_PapersPage_ResolvesAYearlessLeapDayToTheLatestOneNotAfterNow_AndFoldsTitleLines()
    {
        var text = File.ReadAllText(RepositoryPaths.Fixture(Path.Combine("Listings", "papers-page-edge.txt")));

        var parsed = ListingParser.Parse(text, ListingFormat.Auto, new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));

        Assert.That(parsed.Entries.Select(e => e.Title), Is.EqualTo(new[] { "Leap Day Title Spread Over Two Lines", "Second Paper Of The Leap Day" }));
        Assert.That(parsed.Entries[0].PublishedAt, Is.EqualTo(new DateTimeOffset(2024, 2, 29, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(parsed.Entries[0].Abstract, Does.Contain("ge 175B"));
        Assert.That(parsed.Rejections.Single().ToString(), Does.StartWith("paper 3: title \"A Dangling Title Without Abstract\" has no abstract"));
    }

    [Test]
    public void Parse_PapersPage_ReadsCrlfIndentedLinesAndAMissingFinalNewlineLikePlainLines()
    {
        const string plain = "Daily Papers\n\nMar 14\n\nFirst Title\nOn Two Lines\n\nFirst abstract.\n\nSecond Title\n\nSecond abstract.\n";
        const string messy = "\uFEFF Daily Papers \r\n\r\n\tMar 14\r\n \r\n  First Title \r\n\tOn Two Lines\r\n\r\n\r\nFirst abstract.\r\n   \r\nSecond Title\r\n\r\nSecond abstract.";
        var now = new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);

        var expected = ListingParser.Parse(plain, ListingFormat.Auto, now).Entries;
        var parsed = ListingParser.Parse(messy, ListingFormat.Auto, now).Entries;

        Assert.That(expected.Select(e => (e.Title, e.Abstract)), Is.EqualTo(new[] { ("First Title On Two Lines", "First abstract."), ("Second Title", "Second abstract.") }));
        Assert.That(parsed, Is.EqualTo(expected));
    }

    [TestCase("Café Society: Über Models", "cafe society uber models")]
    [TestCase("ﬁne-tuning  LLMs!", "fine tuning llms")]
    [TestCase("Plain ASCII, Title: v2", "plain ascii title v2")]
    public void TitleNormalizer_FoldsCaseDiacriticsLigaturesAndPunctuation(string title, string expected)
    {
        Assert.That(TitleNormalizer.Normalize(title), Is.EqualTo(expected));
    }

    [TestCase("2403.01234v2", "2403.01234")]
    [TestCase("http://arxiv.org/abs/2403.01234v12", "2403.01234")]
    [TestCase("oai:arXiv.org:2312.0001v1", "2312.0001")]
    [TestCase("arXiv:hep-th/9901001v2", "hep-th/9901001")]
    [TestCase("https://arxiv.org/abs/math.GT/0309136", "math.GT/0309136")]
    [TestCase("not an id", null)]
    public void ArxivId_Normalize_DropsTheVersion(string text, string? expected)
    {
        Assert.That(ArxivId.Normalize(text), Is.EqualTo(expected));
    }
}
