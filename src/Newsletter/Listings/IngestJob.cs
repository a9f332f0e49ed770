using Microsoft.Extensions.Options;

namespace Newsletter.Listings;

/// <summary>The recurring job: ingests every configured source. Safe to run twice: a second run adds nothing.</summary>
public sealed class IngestJob(ListingIngester ingester, IOptions<IngestOptions> options, ILogger<IngestJob> logger)
{
    public const string Id = "ingest";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var source in options.Value.Sources)
        {
            var name = string.IsNullOrWhiteSpace(source.Name) ? source.Url : source.Name;
            try
            {
                await ingester.IngestAsync(source.Url, name, ListingFormats.Parse(source.Format), cancellationToken);
            }
            catch (ListingFormatException e)
            {
                // One broken source must not keep the others from being read; the job still fails so Hangfire retries.
                logger.LogError("cannot ingest {Source}: {Message}", name, e.Message);
                failures.Add($"{name}: {e.Message}");
            }
        }
        if (failures.Count > 0) throw new InvalidOperationException("Some sources failed: " + string.Join("; ", failures));
    }
}
