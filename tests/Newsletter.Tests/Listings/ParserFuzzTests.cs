using System.Text;
using Newsletter.Listings;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Listings;

/// <summary>
/// Random bytes, truncations and corruptions of every fixture, fed to every parser: each either parses (perhaps with
/// rejections) or fails with <see cref="ListingFormatException"/>, never anything else. Fixed seed, bounded cases.
/// </summary>
public class ParserFuzzTests
{
    private static readonly ListingFormat[] Formats = Enum.GetValues<ListingFormat>();

    private static readonly string[] Fixtures =
    [
        "Listings/hf-daily.json", "Listings/arxiv-api.xml", "Listings/arxiv-rss.xml", "Listings/arxiv-announce.atom",
        "Listings/papers-page-edge.txt", "papers-page-small.txt",
    ];

    private static readonly byte[] Noise = [.. "<>&\"'{}[],:\n \\/"u8, 0x00, 0xFF, 0xC3];

    [TestCaseSource(nameof(Fixtures))]
    public void EveryParser_OnTruncationsAndCorruptionsOfAFixture_ThrowsNothingButListingFormatException(string fixture)
    {
        var random = new Random(20261124 ^ fixture.Length);
        var original = File.ReadAllBytes(RepositoryPaths.Fixture(fixture));
        var cases = new List<byte[]>();
        for (var i = 0; i < 40; i++) cases.Add(original[..random.Next(original.Length)]);
        for (var i = 0; i < 40; i++)
        {
            var corrupted = (byte[])original.Clone();
            for (var flips = random.Next(1, 8); flips > 0; flips--)
                corrupted[random.Next(corrupted.Length)] = Noise[random.Next(Noise.Length)];
            cases.Add(corrupted);
        }
        AssertOnlyListingFormatExceptions(cases);
    }

    [Test]
    public void EveryParser_OnRandomBytesAndRandomText_ThrowsNothingButListingFormatException()
    {
        var random = new Random(20261124);
        var cases = new List<byte[]>();
        for (var i = 0; i < 60; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            cases.Add(bytes);
        }
        const string alphabet = "<>/=\"'&;:{}[],.0123456789abcdefghijklmnopqrstuvwxyz \n\r\tentry item feed rss paper title summary Mar 14 arXiv: Announce Type: new Abstract:";
        for (var i = 0; i < 60; i++)
        {
            var text = new StringBuilder();
            for (var n = random.Next(0, 300); n > 0; n--) text.Append(alphabet[random.Next(alphabet.Length)]);
            cases.Add(Encoding.UTF8.GetBytes(text.ToString()));
        }
        AssertOnlyListingFormatExceptions(cases);
    }

    private static void AssertOnlyListingFormatExceptions(List<byte[]> cases)
    {
        var now = new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);
        var parsed = 0;
        foreach (var bytes in cases)
        {
            foreach (var format in Formats)
            {
                try
                {
                    var result = ListingParser.Parse(bytes, format, now);
                    Assert.That(result.Entries.All(e => ListingEntryRules.Problem(e) is null), "only valid entries are returned");
                    parsed++;
                }
                catch (ListingFormatException e)
                {
                    Assert.That(e.Message, Is.Not.Empty);
                }
                catch (Exception e)
                {
                    Assert.Fail($"{format} threw {e.GetType().Name} on {bytes.Length} bytes ({Convert.ToBase64String(bytes[..Math.Min(bytes.Length, 200)])}): {e}");
                }
            }
        }
        Assert.That(parsed + cases.Count, Is.GreaterThan(0));
    }
}
