using Hangfire;

namespace Newsletter.Bounces;

/// <summary>
/// The recurring poll of the bounce mailbox (<c>Bounces:Cron</c>). Thin and repeatable: everything it does is
/// derived from the mailbox, and a message read twice counts once.
/// </summary>
public sealed class BounceMailboxJob(BounceMailbox mailbox)
{
    public const string Id = "bounce-mailbox";

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!mailbox.Enabled) return;
        await mailbox.PollAsync(cancellationToken);
    }
}
