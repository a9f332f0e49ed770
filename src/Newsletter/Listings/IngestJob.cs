using Microsoft.Extensions.Options;

namespace Newsletter.Listings;

/// <summary>
/// The recurring job: reads every configured source and logs one line for each; while the database holds no papers
/// at all, it also reads the shipped sample so that a first start without network still has papers to show. Safe
/// to run twice: a second run adds nothing.
/// </summary>
public sealed class IngestJob(
    ListingIngester ingester, PaperStore papers, SourceRunStore runs, IOptions<IngestOptions> options, TimeProvider clock, ILogger<IngestJob> logger)
{
    public const string Id = "ingest";

    /// <summary>The shipped sample listing (Hugging Face daily-papers JSON), relative to the content root.</summary>
    public const string SampleListing = "Samples/hf-daily-papers-sample.json";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var source in options.Value.Sources)
        {
            // A source that cannot be read is a warning, not a failed job: Hangfire would retry it at once and log
            // the exception each time, while the next scheduled run asks again anyway (a missed day included).
            var result = await ingester.IngestSourceAsync(source, cancellationToken);
            runs.Record(result, clock.GetUtcNow());
            if (result.Failure is null) logger.LogInformation("{Result}", result);
            else logger.LogWarning("{Result}", result);
        }
        if (papers.Any()) return;
        try
        {
            var sample = await ingester.IngestAsync(SampleListing, "sample", ListingFormat.HuggingFaceJson, cancellationToken);
            logger.LogInformation("no papers yet, so the shipped sample was read: {Result}", sample);
        }
        catch (UnreadableListingException e)
        {
            logger.LogWarning("cannot ingest the shipped sample {Sample}: {Message}", SampleListing, e.Message);
        }
    }
}
