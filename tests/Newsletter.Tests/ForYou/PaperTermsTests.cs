using Newsletter.ForYou;
using Newsletter.Listings;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.ForYou;

/// <summary>
/// A paper's terms by key (what a planning run indexes its window by, without a string per word) are the terms a
/// model is built from, keyed: the same terms, weights and order, on real papers and on the words the folding treats
/// specially.
/// </summary>
public class PaperTermsTests
{
    private static List<(ulong, float)> Keyed(string title, string text) =>
        PaperTerms.Of(title, text).Select(t => (PaperTerms.Key(t.Key), t.Value)).ToList();

    [Test]
    public void KeysOf_TheFixturePapers_AreTheirTermsKeyed_WeightForWeight()
    {
        var papers = Directory.GetFiles(RepositoryPaths.PapersPages, "*.txt").Order(StringComparer.Ordinal)
            .SelectMany(p => ListingParser.Parse(File.ReadAllBytes(p), ListingFormat.Auto, DateTimeOffset.UnixEpoch).Entries).ToList();
        Assert.That(papers, Has.Count.GreaterThan(300));

        foreach (var paper in papers)
            Assert.That(PaperTerms.KeysOf(paper.Title, paper.Abstract), Is.EqualTo(Keyed(paper.Title, paper.Abstract)), paper.Title);
    }

    [TestCase("Agents that plan", "Agents plan; agentic planning agents modeled the planned tasks.")]
    [TestCase("Loss of corpus", "The loss on the corpus, its basis and analysis: losses, corpora, bases.")]
    [TestCase("Numbers 2024 and 3.5", "GPT-4 scores 3.5 on 2024 data - 12-layer nets, 7b and 70B, v2.")]
    [TestCase("Hyphen-ated- words--", "state-of-the-art -leading trailing- ---- x-y a-b-c")]
    [TestCase("Protéines DÉPLIÉES", "İstanbul ΣΊΣΥΦΟΣ naïve café straße ﬁnancial")]
    [TestCase("", "abcdefghijabcdefghijabcdefghijabcdefghij abcdefghijabcdefghijabcdefghijabcdefghijk short")]
    [TestCase("The state space", "of the state space of the model the state space")]
    [TestCase("", "")]
    public void KeysOf_FoldsAndPairsWordsAsOf(string title, string text)
    {
        Assert.That(PaperTerms.KeysOf(title, text), Is.EqualTo(Keyed(title, text)));
    }

    [Test]
    public void KeysOf_APair_IsKeyedAsTheTwoWordsWithASpace()
    {
        var keys = PaperTerms.KeysOf("", "diffusion kernels").Select(t => t.Key).ToList();

        Assert.That(keys, Is.EqualTo(new[] { PaperTerms.Key("diffusion"), PaperTerms.Key("kernel"), PaperTerms.Key("diffusion kernel") }));
    }
}
