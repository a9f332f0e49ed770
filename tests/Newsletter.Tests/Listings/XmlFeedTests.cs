using System.Text;
using Newsletter.Listings;

namespace Newsletter.Tests.Listings;

/// <summary>Cutting a feed into entries: one pass over the text, whatever shape hostile XML takes (issue 12).</summary>
public class XmlFeedTests
{
    private const string Head = "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";

    private static string GoodEntry(string id) =>
        $"<entry><id>http://arxiv.org/abs/{id}</id><title>Paper {id}</title><summary>What {id} is about.</summary></entry>\n";

    private static string Feed(string body) => Head + GoodEntry("2403.00001") + body + "</feed>\n";

    private static string Repeat(string text, int count) => new StringBuilder(text.Length * count).Insert(0, text, count).ToString();

    [Test]
    public void QuadraticXmlSplitting_UnclosedEntries_AreRejected_InOnePassOverTheText()
    {
        // Issue 12's shape: thousands of <entry> elements that are never closed. Each one used to search the rest of
        // the document for a closing tag that was not there.
        var text = Feed(Repeat("<entry><title>never closed</title>\n", 20_000));
        var feed = new XmlFeed(text, "entry");

        var results = feed.Entries("entry").ToList();

        Assert.That(results, Has.Count.EqualTo(20_001));
        Assert.That(results[0].Element, Is.Not.Null);
        Assert.That(results.Skip(1).Select(r => r.Problem).Distinct(), Is.EqualTo(new[] { "broken element: <entry> is not closed" }));
        Assert.That(feed.CharactersScanned, Is.LessThan(4L * text.Length), "each stretch of text is searched a bounded number of times");
    }

    [Test]
    public void StartTagsClosedOnlyAtTheEnd_AreEachRejected_NoneSwallowsTheEntriesAfterIt()
    {
        // Start tags whose '>' comes only after hundreds of others: the first one used to be cut up to that far "/>",
        // and every entry after it was skipped without being reported.
        var text = Feed(Repeat("<entry a=\"1\"\n", 500) + "/>\n");

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var parsed = ArxivApiParser.Parse(text);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.That(parsed.Rejections.Select(r => r.Position), Is.EqualTo(Enumerable.Range(2, 500).Select(i => $"entry {i} (line {i + 2})")));
        Assert.That(parsed.Rejections.Take(499).Select(r => r.Reason).Distinct(), Is.EqualTo(new[] { "broken element: <entry> is not closed" }));
        Assert.That(parsed.Entries.Select(e => e.ArxivId), Is.EqualTo(new[] { "2403.00001" }));
        Assert.That(allocated, Is.LessThan(100L * text.Length), "memory in proportion to the text: each stretch is cut out once at most");
    }

    [Test]
    public void Rejections_OfAHostileListing_KeepTheFirstThousand_AndCountEveryOne()
    {
        var text = Feed(Repeat("<entry>\n", 5_000));

        var parsed = ArxivApiParser.Parse(text);

        Assert.That(parsed.Rejections.Total, Is.EqualTo(5_000));
        Assert.That(parsed.Rejections, Has.Count.EqualTo(ListingRejections.Kept));
        Assert.That(parsed.Rejections[ListingRejections.Kept - 1].Position, Is.EqualTo($"entry {ListingRejections.Kept + 1} (line {ListingRejections.Kept + 3})"));
        Assert.That(new IngestResult("hostile", 1, 0, parsed.Rejections).ToString(), Is.EqualTo("ingested hostile: 1 new, 0 duplicate, 5000 rejected"));
    }

    [Test]
    public void Entries_SelfClosedAndNamespacedEntries_AreStillCutWhereTheyEnd()
    {
        var text = Feed("<entry/>\n<atom:entry xmlns:atom=\"http://www.w3.org/2005/Atom\"><atom:title>T</atom:title></atom:entry>\n");
        var feed = new XmlFeed(text, "entry");

        var results = feed.Entries("entry").ToList();

        Assert.That(results.Select(r => r.Problem), Is.All.Null);
        Assert.That(results.Select(r => r.Element!.Name.LocalName), Is.EqualTo(new[] { "entry", "entry", "entry" }));
        Assert.That(results[2].Element!.Value, Is.EqualTo("T"));
    }
}
