using Hangfire;
using Microsoft.Extensions.Options;
using Newsletter.Bounces;
using Newsletter.Delivery;
using Newsletter.Listings;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Subscriptions;

namespace Newsletter.Jobs;

/// <summary>
/// On start, registers the recurring jobs from config and queues one digest pass and one confirmation pass at once,
/// so rows left pending or due for retry by a previous process are picked up without waiting for the schedule.
/// From then on every queued confirmation email wakes a confirmation pass, so it leaves within seconds.
/// </summary>
public sealed class RecurringJobsRegistrar(
    IRecurringJobManager recurring,
    IBackgroundJobClient jobs,
    IOptions<IngestOptions> ingest,
    IOptions<DigestOptions> digest,
    IOptions<BounceOptions> bounces,
    IOptions<StorageOptions> storage,
    ConfirmationSignal confirmations) : IHostedService
{
    private void WakeConfirmationSender() => jobs.Enqueue<ConfirmationSender>(job => job.RunAsync(CancellationToken.None));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<IngestJob>(IngestJob.Id, job => job.RunAsync(CancellationToken.None), ingest.Value.Cron);
        recurring.AddOrUpdate<DigestJob>(DigestJob.Id, job => job.RunAsync(CancellationToken.None), digest.Value.Cron);
        recurring.AddOrUpdate<UnconfirmedCleanupJob>(UnconfirmedCleanupJob.Id, job => job.Run(), UnconfirmedCleanupJob.Cron);
        jobs.Enqueue<IngestJob>(job => job.RunAsync(CancellationToken.None));
        if (bounces.Value.Mailbox.Enabled)
            recurring.AddOrUpdate<BounceMailboxJob>(BounceMailboxJob.Id, job => job.RunAsync(CancellationToken.None), bounces.Value.Cron);
        else
            recurring.RemoveIfExists(BounceMailboxJob.Id);
        recurring.AddOrUpdate<LedgerRetentionJob>(LedgerRetentionJob.Id, job => job.Run(), LedgerRetentionJob.Cron);
        // On PostgreSQL backups are pg_dump's (README, Running on several machines), not a file copy.
        if (string.IsNullOrWhiteSpace(storage.Value.BackupCron) || storage.Value.Provider == StorageProviders.Postgres)
            recurring.RemoveIfExists(BackupJob.Id);
        else
            recurring.AddOrUpdate<BackupJob>(BackupJob.Id, job => job.Run(), storage.Value.BackupCron);
        recurring.AddOrUpdate<ConfirmationSender>(ConfirmationSender.Id, job => job.RunAsync(CancellationToken.None), ConfirmationSender.Cron);
        jobs.Enqueue<DigestJob>(job => job.RunAsync(CancellationToken.None));
        confirmations.Wake += WakeConfirmationSender;
        WakeConfirmationSender();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        confirmations.Wake -= WakeConfirmationSender;
        return Task.CompletedTask;
    }
}
