namespace Newsletter.Tests.Listings;

public class ArxivRssParserTests
{
    [Test]
    public void Parse_Rss_StripsTheAnnouncePrefix_SplitsCreators_AndReadsCategories()
    {
        var first = ListingsTestDatabase.Parse("arxiv-rss.xml").Entries[0];

        Assert.That(first.ArxivId, Is.EqualTo("2403.10001"));
        Assert.That(first.Abstract, Is.EqualTo("We route tokens to two of sixteen experts in models under two billion parameters."));
        Assert.That(first.Authors, Is.EqualTo(new[] { "Ada Lovelace", "Alan Turing", "Grace Hopper" }));
        Assert.That(first.Categories, Is.EqualTo(new[] { "cs.LG", "cs.CL" }));
        Assert.That(first.PublishedAt, Is.EqualTo(new DateTimeOffset(2024, 3, 5, 5, 0, 0, TimeSpan.Zero)));
        Assert.That(first.AbsUrl, Is.EqualTo("https://arxiv.org/abs/2403.10001"));
        Assert.That(first.PdfUrl, Is.EqualTo("https://arxiv.org/pdf/2403.10001"));
    }

    [Test]
    public void Parse_Rss_KeepsNewAndCross_AndMarksReplacementsUpdateOnly()
    {
        var entries = ListingsTestDatabase.Parse("arxiv-rss.xml").Entries;

        Assert.That(entries.Select(e => (e.ArxivId, e.UpdateOnly)), Is.EqualTo(new[]
        {
            ("2403.10001", false), ("2403.10002", false), ("2403.01234", true), ("2301.00001", true),
        }));
        Assert.That(entries[1].Title, Is.EqualTo("Diffusion Policies for Robot Arms"));
        Assert.That(entries[2].Abstract, Does.StartWith("Revised:"));
    }

    [Test]
    public void Parse_Rss_RejectsAnItemWhoseAbstractIsOnlyThePrefix()
    {
        var rejection = ListingsTestDatabase.Parse("arxiv-rss.xml").Rejections.Single();

        Assert.That(rejection.Position, Does.StartWith("entry 5 "));
        Assert.That(rejection.Reason, Does.Contain("no abstract"));
    }

    [Test]
    public void Parse_AtomAnnouncements_ReadsOldStyleIds_AndRejectsUnknownAnnounceTypes()
    {
        var parsed = ListingsTestDatabase.Parse("arxiv-announce.atom");

        Assert.That(parsed.Entries.Select(e => e.ArxivId), Is.EqualTo(new[] { "2403.20001", "hep-th/9901001" }));
        Assert.That(parsed.Entries[0].Title, Is.EqualTo("Holography in Two Dimensions"));
        Assert.That(parsed.Entries[0].Abstract, Is.EqualTo("We compute boundary correlators in a two-dimensional model."));
        Assert.That(parsed.Entries[0].Authors, Is.EqualTo(new[] { "Paul Dirac", "Emmy Noether" }));
        Assert.That(parsed.Entries[1].Categories, Is.EqualTo(new[] { "hep-th", "gr-qc" }));
        Assert.That(parsed.Rejections.Single().Reason, Does.Contain("'withdrawn' is not new, cross or replace"));
    }
}
