using System.Globalization;
using Newsletter.Benchmarks.Harness;
using Newsletter.Digests;
using Newsletter.Storage;

namespace Newsletter.Benchmarks.Scenarios;

/// <summary>
/// The planner thread's page read alone, on a kept plan database: every page of readers due at --at and their filter
/// rows, as <see cref="DuePages"/> reads them, without matching or ranking (a planning run's other steps would bury
/// it). Reads only, so one copy serves many runs; --passes repeats the read to lengthen the measured span.
/// </summary>
public static class PageReadScenario
{
    public const string Verb = "child-read";

    public static int Child(ChildArguments args)
    {
        var at = DateTimeOffset.Parse(args["at"], CultureInfo.InvariantCulture);
        var passes = int.Parse(args.Optional("passes") ?? "1", CultureInfo.InvariantCulture);
        using var host = new BenchHost(args["repo"], args.HostSettings());
        using var connection = host.Get<Database>().Connect();
        var threadsBefore = ThreadCpu.Now();
        var pauseBefore = GC.GetTotalPauseDuration();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        long readers = 0, filters = 0, keywords = 0;
        var page = new List<DueReader>(2000);
        for (var pass = 0; pass < passes; pass++)
        {
            using var store = new DueReaderStore(connection, at, 2000, claimPages: false, emails: false);
            for (long after = 0; ; after = page[^1].Id)
            {
                page.Clear();
                store.ReadPage(after, page, (_, keyword, _) =>
                {
                    filters++;
                    if (keyword) keywords++;
                });
                if (page.Count == 0) break;
                readers += page.Count;
            }
        }
        var seconds = watch.Elapsed.TotalSeconds;
        var threads = ThreadCpu.Since(threadsBefore);
        ChildResult.Print(new
        {
            seconds, readers, filters, keywords, readerCpu = threads["caller"], gcCpu = threads["gc"],
            gcPauseSeconds = (GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds,
        });
        return 0;
    }
}
