using System.Globalization;
using Newsletter.ForYou;
using Newsletter.Listings;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.ForYou;

/// <summary>
/// A paper's terms by key, counted in one pass over its words (what a run's window is indexed by and a model is built
/// from): the words they fold to and their weights, and the word noted for each key when a model asks for them.
/// </summary>
public class PaperTermsTests
{
    [Test]
    public void KeysOf_TheFixturePapers_NotesTheWordOfEachKey_AndCountsAsWithoutThem()
    {
        var papers = Directory.GetFiles(RepositoryPaths.PapersPages, "*.txt").Order(StringComparer.Ordinal)
            .SelectMany(p => ListingParser.Parse(File.ReadAllBytes(p), ListingFormat.Auto, DateTimeOffset.UnixEpoch).Entries).ToList();
        Assert.That(papers, Has.Count.GreaterThan(300));
        var words = new Dictionary<ulong, string>();

        foreach (var paper in papers)
        {
            var terms = PaperTerms.KeysOf(paper.Title, paper.Abstract, words);
            Assert.That(terms, Is.EqualTo(PaperTerms.KeysOf(paper.Title, paper.Abstract)), paper.Title);
            Assert.That(terms.Select(t => PaperTerms.Key(words[t.Key])), Is.EqualTo(terms.Select(t => t.Key)), paper.Title);
        }
        Assert.That(words.Values.Count(w => w.Contains(' ')), Is.GreaterThan(1000), "word pairs are noted with their space");
    }

    // The expected terms are what the string tokenizer (PaperTerms.Of, before models were built by key) made of each.
    [TestCase("Agents that plan", "Agents plan; agentic planning agents modeled the planned tasks.", "agent=0.6136867|plan=0.4935509|agent plan=0.23517965|plan agent=0.23517965|plann=0.39819375|agent plann=0.23517965|plann agent=0.23517965")]
    [TestCase("Loss of corpus", "The loss on the corpus, its basis and analysis: losses, corpora, bases.", "loss=0.5118818|corpus=0.5118818|basis=0.24391443|analysis=0.24391443|losse=0.24391443|analysis losse=0.24391443|corpora=0.24391443|losse corpora=0.24391443|base=0.24391443|corpora base=0.24391443")]
    [TestCase("Numbers 2024 and 3.5", "GPT-4 scores 3.5 on 2024 data - 12-layer nets, 7b and 70B, v2.", "number=0.5390235|gpt-4=0.31835598|score=0.31835598|gpt-4 score=0.31835598|12-layer=0.31835598|nets=0.31835598|12-layer nets=0.31835598|70b=0.31835598")]
    [TestCase("Hyphen-ated- words--", "state-of-the-art -leading trailing- ---- x-y a-b-c", "hyphen-at=0.40358534|word=0.40358534|hyphen-at word=0.40358534|state-of-the-art=0.23836401|lead=0.23836401|state-of-the-art lead=0.23836401|trail=0.23836401|lead trail=0.23836401|x-y=0.23836401|trail x-y=0.23836401|a-b-c=0.23836401|x-y a-b-c=0.23836401")]
    [TestCase("Protéines DÉPLIÉES", "İstanbul ΣΊΣΥΦΟΣ naïve café straße ﬁnancial", "protéine=0.38244063|dépliée=0.38244063|protéine dépliée=0.38244063|İstanbul=0.22587559|σίσυφοσ=0.22587559|İstanbul σίσυφοσ=0.22587559|naïve=0.22587559|σίσυφοσ naïve=0.22587559|café=0.22587559|naïve café=0.22587559|straße=0.22587559|café straße=0.22587559|ﬁnancial=0.22587559|straße ﬁnancial=0.22587559")]
    [TestCase("", "abcdefghijabcdefghijabcdefghijabcdefghij abcdefghijabcdefghijabcdefghijabcdefghijk short", "abcdefghijabcdefghijabcdefghijabcdefghij=0.70710677|short=0.70710677")]
    [TestCase("The state space", "of the state space of the model the state space", "space=1")]
    [TestCase("", "", "")]
    public void KeysOf_FoldsAndPairsWords_AsTheyAlwaysWere(string title, string text, string expected)
    {
        var words = new Dictionary<ulong, string>();

        var terms = PaperTerms.KeysOf(title, text, words);

        Assert.That(string.Join("|", terms.Select(t => words[t.Key] + "=" + t.Weight.ToString("R", CultureInfo.InvariantCulture))), Is.EqualTo(expected));
        Assert.That(terms.Select(t => t.Key), Is.EqualTo(terms.Select(t => PaperTerms.Key(words[t.Key]))));
    }

    [Test]
    public void KeysOf_APair_IsKeyedAsTheTwoWordsWithASpace()
    {
        var keys = PaperTerms.KeysOf("", "diffusion kernels").Select(t => t.Key).ToList();

        Assert.That(keys, Is.EqualTo(new[] { PaperTerms.Key("diffusion"), PaperTerms.Key("kernel"), PaperTerms.Key("diffusion kernel") }));
    }
}
