using System.Text;
using Newsletter.Listings;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Listings;

/// <summary>
/// Random bytes, truncations and corruptions of every fixture, fed to every parser: each case either parses (only
/// valid entries, every rejection with its position and reason) or is refused with a
/// <see cref="ListingFormatException"/> whose message is one line for the operator, never anything else. Fixed
/// seed, bounded cases; how long parsing takes is for the benchmarks.
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
    public void EveryParser_OnTruncationsAndCorruptionsOfAFixture_ParsesOrRefusesWithAReason(string fixture)
    {
        var random = new Random(20261124 ^ fixture.Length);
        var original = File.ReadAllBytes(RepositoryPaths.Fixture(fixture));
        var truncations = Enumerable.Range(0, 40).Select(_ => original[..random.Next(original.Length)]).ToList();
        var corruptions = new List<byte[]>();
        for (var i = 0; i < 40; i++)
        {
            var corrupted = (byte[])original.Clone();
            for (var flips = random.Next(1, 8); flips > 0; flips--)
                corrupted[random.Next(corrupted.Length)] = Noise[random.Next(Noise.Length)];
            corruptions.Add(corrupted);
        }

        var whole = Outcomes([original]);
        var outcomes = Outcomes([.. truncations, .. corruptions]);

        Assert.That(whole.Single(o => o.Format == ListingFormat.Auto).Entries, Is.GreaterThan(0), "the fixture itself parses, detected");
        Assert.That(outcomes.Where(o => o.Format == ListingFormat.Auto).Select(o => o.Refusal), Has.Some.Null.And.Some.Not.Null,
            "some damaged copies still parse and some are refused: the cases reach both answers");
        Assert.That(outcomes.Where(o => o.Bytes.Length == 0).Select(o => o.Refusal), Is.All.EqualTo("the source is empty"));
    }

    [Test]
    public void EveryParser_OnRandomBytesAndRandomText_ParsesOrRefusesWithAReason()
    {
        var random = new Random(20261124);
        var bytes = new List<byte[]>();
        for (var i = 0; i < 60; i++)
        {
            var noise = new byte[random.Next(0, 400)];
            random.NextBytes(noise);
            bytes.Add(noise);
        }
        const string alphabet = "<>/=\"'&;:{}[],.0123456789abcdefghijklmnopqrstuvwxyz \n\r\tentry item feed rss paper title summary Mar 14 arXiv: Announce Type: new Abstract:";
        var texts = new List<byte[]>();
        for (var i = 0; i < 60; i++)
        {
            var text = new StringBuilder();
            for (var n = random.Next(0, 300); n > 0; n--) text.Append(alphabet[random.Next(alphabet.Length)]);
            texts.Add(Encoding.UTF8.GetBytes(text.ToString()));
        }

        var binary = Outcomes(bytes.Where(b => !IsText(b)).ToList());
        Outcomes(texts);

        Assert.That(binary, Is.Not.Empty, "random bytes include some that are not text");
        Assert.That(binary.Where(o => o.Refusal is null).Select(o => $"{o.Format} parsed {Describe(o.Bytes)}"), Is.Empty,
            "bytes that are neither UTF-8 nor UTF-16 text are refused by every parser");
    }

    /// <summary>What one parser made of one case: entries and rejections, or the reason it refused.</summary>
    private sealed record Outcome(byte[] Bytes, ListingFormat Format, int Entries, int Rejections, string? Refusal);

    /// <summary>
    /// Every case through every parser, each answer checked: a parse returns only entries the rules accept and a
    /// position and reason for each rejection; a refusal is a one-line message. Anything else fails the test.
    /// </summary>
    private static List<Outcome> Outcomes(IReadOnlyList<byte[]> cases)
    {
        var now = new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);
        var outcomes = new List<Outcome>();
        foreach (var bytes in cases)
        {
            foreach (var format in Formats)
            {
                var what = $"{format} on {Describe(bytes)}";
                try
                {
                    var result = ListingParser.Parse(bytes, format, now);
                    Assert.That(result.Entries.Select(ListingEntryRules.Problem), Is.All.Null, "only valid entries are returned: " + what);
                    Assert.That(result.Rejections.All(r => !string.IsNullOrWhiteSpace(r.Position) && !string.IsNullOrWhiteSpace(r.Reason)),
                        Is.True, "every rejection says where and why: " + what);
                    outcomes.Add(new Outcome(bytes, format, result.Entries.Count, result.Rejections.Total, null));
                }
                catch (ListingFormatException e)
                {
                    Assert.That(e.Message, Is.Not.Empty.And.Not.Contain("\n"), "a refusal is one line: " + what);
                    outcomes.Add(new Outcome(bytes, format, 0, 0, e.Message));
                }
                catch (Exception e)
                {
                    Assert.Fail($"{what} threw {e.GetType().Name}: {e}");
                }
            }
        }
        return outcomes;
    }

    /// <summary>Whether the bytes decode as UTF-8, or start with a UTF-16 byte-order mark.</summary>
    private static bool IsText(byte[] bytes)
    {
        if (bytes.Length >= 2 && (bytes[0], bytes[1]) is (0xFF, 0xFE) or (0xFE, 0xFF)) return true;
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return !bytes.Contains((byte)0);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static string Describe(byte[] bytes) => $"{bytes.Length} bytes ({Convert.ToBase64String(bytes[..Math.Min(bytes.Length, 200)])})";
}
