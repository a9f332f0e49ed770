using System.Text;
using Newsletter.Benchmarks.Harness;
using Newsletter.Listings;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// Scenario 1b: 50 MB of hostile Atom (one good entry, then <c>&lt;entry&gt;</c> elements that are never closed, the
/// shape of issue 12) through ListingIngester in a process of its own; seconds and that process's peak memory.
/// </summary>
public static class HostileXmlScenario
{
    public const string Verb = "child-hostile-xml";
    private const long Bytes = 50_000_000;
    private const double TargetSeconds = 30;

    public static async Task RunAsync(BenchOptions options, ResultsTable table)
    {
        var listing = Path.Combine(options.Work, "hostile.xml");
        var entries = Write(listing);
        var size = $"{new FileInfo(listing).Length / 1_000_000.0:0} MB Atom, {Format.Count(entries)} unclosed `<entry>` elements";
        var database = Path.Combine(options.Work, "hostile.db");
        var outcome = await ChildProcesses.RunSelfAsync(
            [Verb, "--repo", options.Repo, "--db", database, "--listing", listing], TimeSpan.FromMinutes(10));
        File.Delete(listing);
        if (outcome.Result is not { } result)
        {
            var why = outcome.TimedOut ? "timed out after 10 min" : $"failed (exit {outcome.ExitCode}): {outcome.ErrorTail}";
            table.Record("hostile-xml", size, $"hostile xml: {why}", "< 30 s, memory bounded", false);
            return;
        }
        var seconds = result.GetProperty("seconds").GetDouble();
        table.Record("hostile-xml", size,
            $"hostile xml: {Format.Seconds(seconds)} ({result.GetProperty("summary").GetString()}); " +
            $"peak RSS {Format.Mb(result.GetProperty("peakMb").GetDouble())} " +
            $"(host before ingest {Format.Mb(result.GetProperty("beforeMb").GetDouble())})",
            "< 30 s, memory bounded", seconds < TargetSeconds);
    }

    /// <summary>Writes the hostile feed; returns how many unclosed entries it holds.</summary>
    private static int Write(string path)
    {
        const string broken = "<entry><title>never closed</title>\n";
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        writer.Write("<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
        writer.Write("<entry><id>http://arxiv.org/abs/2403.00001</id><title>The one good entry</title><summary>It is read.</summary></entry>\n");
        var count = 0;
        for (long written = 0; written + broken.Length < Bytes - 200; written += broken.Length, count++) writer.Write(broken);
        writer.Write("</feed>\n");
        return count;
    }

    /// <summary>The child: ingest the hostile listing, report time and memory.</summary>
    public static async Task<int> ChildAsync(ChildArguments args)
    {
        using var host = new BenchHost(args["repo"], args.HostSettings());
        var ingester = host.Get<ListingIngester>();
        var before = ProcessMemory.CurrentMb();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await ingester.IngestAsync(args["listing"], "hostile", ListingFormat.ArxivApiAtom, CancellationToken.None);
        var seconds = watch.Elapsed.TotalSeconds;
        ChildResult.Print(new { seconds, summary = result.ToString(), peakMb = ProcessMemory.PeakMb(), beforeMb = before });
        return 0;
    }
}
