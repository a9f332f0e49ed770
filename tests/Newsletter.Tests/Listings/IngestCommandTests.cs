using Newsletter.Tests.Support;

namespace Newsletter.Tests.Listings;

/// <summary>The <c>ingest</c> verb of the real executable: summary lines, rejection lines, exit codes.</summary>
public class IngestCommandTests
{
    private TestWorkspace _workspace = null!;

    [SetUp] public void SetUp() => _workspace = new TestWorkspace();
    [TearDown] public void TearDown() => _workspace.Dispose();

    private NewsletterProcess.Result Ingest(params string[] args) => NewsletterProcess.Run(
        new Dictionary<string, string> { ["Storage:Database"] = _workspace.DatabasePath, ["Smtp:PickupDirectory"] = _workspace.Outbox },
        ["ingest", .. args]);

    private static string Fixture(string name) => RepositoryPaths.Fixture(Path.Combine("Listings", name));

    [Test]
    public void Ingest_PrintsEachRejectionAboveTheSummary_AndExitsZero()
    {
        var source = Fixture("hf-daily.json");

        var result = Ingest(source);

        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            $"rejected {source}: item 3: \"A Paper Without An Abstract\" has no abstract",
            $"rejected {source}: item 4: broken item: title is a number, not a string",
            $"rejected {source}: item 6: no title",
            $"ingested {source}: 3 new, 0 duplicate, 3 rejected",
        }));
    }

    [Test]
    public void Ingest_AnUnreadableSource_FailsWithOneLine_ReadsTheOthers_AndExitsNonZero()
    {
        var binary = _workspace.PathFor("picture.png");
        File.WriteAllBytes(binary, [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0xFF]);

        var result = Ingest(Fixture("not-a-listing.txt"), Fixture("arxiv-rss.xml"), binary, Fixture("hf-daily-truncated.json"));

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(result.Output.Trim(), Does.EndWith("arxiv-rss.xml: 2 new, 2 duplicate, 1 rejected"));
        // stderr also carries the host's log lines; the failures are the lines the verb itself writes.
        Assert.That(result.Error.Split('\n').Where(l => l.StartsWith("cannot ingest", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            $"cannot ingest {Fixture("not-a-listing.txt")}: not a known listing format (papers page text, Hugging Face daily-papers JSON, arXiv API Atom or arXiv RSS)",
            $"cannot ingest {binary}: binary content, not a listing",
            $"cannot ingest {Fixture("hf-daily-truncated.json")}: not valid JSON at line 15 (truncated or malformed)",
        }));
    }

    [Test]
    public void Ingest_FormatOption_ForcesTheParser()
    {
        var wrong = Ingest("--format", "arxiv-atom", Fixture("hf-daily.json"));
        var right = Ingest("--format", "hf-json", Fixture("hf-daily.json"));

        Assert.That(wrong.ExitCode, Is.Not.Zero);
        Assert.That(wrong.Error, Does.Contain("not well-formed XML"));
        Assert.That(right.ExitCode, Is.Zero, right.Error);
        Assert.That(right.Output, Does.Contain("3 new, 0 duplicate, 3 rejected"));
    }

    [Test]
    public void Ingest_UnknownFormatName_IsRefusedBeforeAnythingIsRead()
    {
        var result = Ingest("--format", "csv", Fixture("hf-daily.json"));

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error, Does.Contain("csv"));
        Assert.That(result.Output, Does.Not.Contain("ingested"));
    }

    [Test]
    public void Start_FailsNamingTheKey_WhenAConfiguredSourceHasAnUnknownFormat()
    {
        var result = NewsletterProcess.Run(
            new Dictionary<string, string>
            {
                ["Storage:Database"] = _workspace.DatabasePath,
                ["Ingest:Sources:0:Url"] = "Samples/hf-daily-papers-sample.json",
                ["Ingest:Sources:0:Format"] = "yaml",
            },
            "ingest", Fixture("hf-daily.json"));

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error.Trim(), Is.EqualTo("newsletter: Ingest:Sources:0:Format: 'yaml' is not one of auto, papers-page, hf-json, arxiv-atom, arxiv-rss"));
    }

    [TestCase("-1")]
    [TestCase("61")]
    public void Start_FailsNamingTheKey_WhenBackfillDaysIsOutOfRange(string days)
    {
        var result = NewsletterProcess.Run(
            new Dictionary<string, string> { ["Storage:Database"] = _workspace.DatabasePath, ["Ingest:BackfillDays"] = days },
            "ingest", Fixture("hf-daily.json"));

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Error.Trim(), Is.EqualTo("newsletter: Ingest:BackfillDays must be between 0 and 60"));
    }
}
