using Microsoft.Extensions.Options;
using Newsletter.Digests;
using Newsletter.Mail;

namespace Newsletter.Delivery;

/// <summary>Claims due ledger rows, renders and sends them over one reused session, and records each result at once.</summary>
public sealed class DeliverySender(
    DeliveryStore ledger,
    DigestComposer composer,
    DeliveryHeaders headers,
    Mailer mailer,
    IOptions<DeliveryOptions> options,
    TimeProvider clock,
    ILogger<DeliverySender> logger)
{
    /// <summary>Sends every row pending or due for retry at <paramref name="at"/>; returns how many were sent.</summary>
    public async Task<int> SendDueAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        ledger.RecoverAbandoned(clock.GetUtcNow());
        var sent = 0;
        await using var session = mailer.OpenSession();
        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = ledger.Claim(owner, at, clock.GetUtcNow().AddSeconds(options.Value.LeaseSeconds), options.Value.BatchSize);
            if (batch.Count == 0) break;
            foreach (var row in batch)
            {
                if (await SendOneAsync(session, row, cancellationToken)) sent++;
            }
        }
        return sent;
    }

    private async Task<bool> SendOneAsync(IMailSession session, DeliveryRow row, CancellationToken cancellationToken)
    {
        try
        {
            var digest = composer.Compose(row);
            headers.Apply(digest.Message, digest.Links.Unsubscribe);
            var reply = await session.SendAsync(digest.Message, cancellationToken);
            ledger.MarkSent(row.Id, reply, clock.GetUtcNow());
            return true;
        }
        catch (MailSendException e) when (e.Kind == SendFailureKind.Transient && row.Attempts < options.Value.MaxAttempts)
        {
            var delay = TimeSpan.FromSeconds(options.Value.RetryBaseSeconds * Math.Pow(2, row.Attempts - 1));
            logger.LogWarning("Delivery {Id}: {Error}; retrying in {Delay}", row.Id, e.Message, delay);
            ledger.MarkRetry(row.Id, e.Message, clock.GetUtcNow() + delay);
        }
        catch (MailSendException e)
        {
            var state = e.Kind == SendFailureKind.Unknown ? DeliveryStates.Unknown : DeliveryStates.Failed;
            logger.LogError("Delivery {Id}: {Error}; marked {State}", row.Id, e.Message, state);
            ledger.MarkFinal(row.Id, state, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A rendering fault is ours, not the server's: the message never left, so it is safe to try again later.
            logger.LogError(e, "Delivery {Id}: could not compose the message", row.Id);
            ledger.MarkRetry(row.Id, "compose: " + e.Message, clock.GetUtcNow().AddSeconds(options.Value.RetryBaseSeconds));
        }
        return false;
    }
}
