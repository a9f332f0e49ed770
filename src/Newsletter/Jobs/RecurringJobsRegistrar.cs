using Hangfire;
using Microsoft.Extensions.Options;
using Newsletter.Digests;
using Newsletter.Listings;
using Newsletter.Subscriptions;

namespace Newsletter.Jobs;

/// <summary>
/// On start, registers the recurring jobs from config and queues one digest pass at once, so rows left pending
/// or due for retry by a previous process are picked up without waiting for the schedule.
/// </summary>
public sealed class RecurringJobsRegistrar(
    IRecurringJobManager recurring,
    IBackgroundJobClient jobs,
    IOptions<IngestOptions> ingest,
    IOptions<DigestOptions> digest) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<IngestJob>(IngestJob.Id, job => job.RunAsync(CancellationToken.None), ingest.Value.Cron);
        recurring.AddOrUpdate<DigestJob>(DigestJob.Id, job => job.RunAsync(CancellationToken.None), digest.Value.Cron);
        recurring.AddOrUpdate<UnconfirmedCleanupJob>(UnconfirmedCleanupJob.Id, job => job.Run(), UnconfirmedCleanupJob.Cron);
        jobs.Enqueue<IngestJob>(job => job.RunAsync(CancellationToken.None));
        jobs.Enqueue<DigestJob>(job => job.RunAsync(CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
