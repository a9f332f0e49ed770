using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Digests;
using Newsletter.Mail;
using Newsletter.Subscriptions;
using Newsletter.Templates;
using Newsletter.Web;
using Scriban.Runtime;

namespace Newsletter.Delivery;

/// <summary>
/// Sends the confirmation outbox (<see cref="ConfirmationStore"/>): claims the rows pending or due for retry, sends
/// each on one mail session and records its result at once, with the digests' retry rules
/// (<c>Delivery:RetryBaseSeconds</c>, <c>Delivery:MaxAttempts</c>). Repeatable: a second run finds nothing to do.
/// </summary>
public sealed class ConfirmationSender(
    ConfirmationStore outbox,
    ConfirmationSignal signal,
    SubscriptionLinks links,
    TemplateCatalog templates,
    MessageSigner signer,
    Mailer mailer,
    IOptions<SiteOptions> site,
    IOptions<DeliveryOptions> options,
    IOptions<SmtpOptions> smtp,
    TimeProvider clock,
    ILogger<ConfirmationSender> logger)
{
    public const string Id = "confirmations";

    /// <summary>The sweep that picks up whatever a wake missed (a restart, a busy relay): every minute.</summary>
    public const string Cron = "* * * * *";

    /// <summary>Sends every confirmation due now (the job's entry point).</summary>
    public Task<int> RunAsync(CancellationToken cancellationToken) => SendDueAsync(clock.GetUtcNow(), cancellationToken);

    /// <summary>Sends every row pending or due for retry at <paramref name="at"/>; returns how many were sent.</summary>
    public async Task<int> SendDueAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        // Before claiming: a row queued from here on wakes another run, so none is left behind.
        signal.Taken();
        var recovered = outbox.RecoverAbandoned(clock.GetUtcNow());
        if (recovered > 0)
            logger.LogWarning("{Count} confirmation emails were left mid-send by a stopped process; sending them again", recovered);
        var o = options.Value;
        // Rows this run puts back for retry keep this owner and are not claimed again by it, however far `at` is.
        var owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        var sent = 0;
        await using var session = mailer.OpenSession();
        while (!cancellationToken.IsCancellationRequested)
        {
            // One row per claim: nothing renews a confirmation's lease, so each send must fit in its own (a batch behind a
            // slow relay would outlive it and be sent twice); confirmations are few, so the extra UPDATEs cost nothing.
            var batch = outbox.Claim(owner, at, clock.GetUtcNow() + TimeSpan.FromSeconds(o.LeaseSeconds), 1, clock.GetUtcNow());
            if (batch.Count == 0) break;
            for (var i = 0; i < batch.Count; i++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    // Row i was never tried: it goes back too.
                    outbox.Release(owner, batch.Skip(i).Select(r => r.Id).ToList(), clock.GetUtcNow());
                    return sent;
                }
                var outcome = await SendOneAsync(session, batch[i]);
                if (outcome == Outcome.Sent) sent++;
                if (outcome == Outcome.Stop)
                {
                    outbox.Release(owner, batch.Skip(i + 1).Select(r => r.Id).ToList(), clock.GetUtcNow());
                    return sent;
                }
            }
        }
        return sent;
    }

    private async Task<Outcome> SendOneAsync(IMailSession session, ConfirmationRow row)
    {
        var now = clock.GetUtcNow();
        var to = MaskedEmail.Of(row.Email);
        if (row.ExpiresAt <= now)
        {
            outbox.MarkFinal(row.Id, DeliveryStates.Failed, "the link expired before it could be sent", now);
            return Outcome.Failed;
        }
        MimeMessage message;
        try
        {
            message = Compose(row);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A template fault is ours, not the server's: nothing left, so it is safe to try again later.
            logger.LogError(e, "Confirmation {Id}: could not compose the message", row.Id);
            RecordTemporary(row, "compose: " + e.Message);
            return Outcome.Failed;
        }
        try
        {
            // Not cancellable: once started, a message is finished and recorded.
            var reply = await session.SendAsync(message, CancellationToken.None);
            outbox.MarkSent(row.Id, reply, clock.GetUtcNow());
            // The pickup folder's reply names the file written; a relay's reply is its queue id, so name the relay.
            var where = smtp.Value.UsesPickupDirectory && reply.StartsWith("written ", StringComparison.Ordinal)
                ? "written to " + reply["written ".Length..]
                : mailer.Destination;
            logger.LogInformation("Confirmation for {To} {Where}", to, where);
            return Outcome.Sent;
        }
        catch (MailSendException e) when (e.Kind == SendFailureKind.Transient)
        {
            logger.LogWarning("Confirmation {Id} for {To}: {Error}", row.Id, to, e.Message);
            RecordTemporary(row, e.Message);
            // An unreachable relay refuses every message alike: stop here and let the retry come back.
            return e.ConnectFailed ? Outcome.Stop : Outcome.Failed;
        }
        catch (MailSendException e) when (e.Kind == SendFailureKind.Permanent)
        {
            logger.LogWarning("Confirmation {Id} for {To}: refused: {Error}", row.Id, to, e.Message);
            outbox.MarkFinal(row.Id, DeliveryStates.Failed, e.Message, clock.GetUtcNow());
            return Outcome.Failed;
        }
        catch (MailSendException e)
        {
            logger.LogWarning("Confirmation {Id} for {To}: {Error}; marked unknown", row.Id, to, e.Message);
            outbox.MarkFinal(row.Id, DeliveryStates.Unknown, e.Message, clock.GetUtcNow());
            return Outcome.Failed;
        }
    }

    private MimeMessage Compose(ConfirmationRow row)
    {
        var model = new ScriptObject
        {
            ["site_name"] = site.Value.Name,
            ["confirm_url"] = links.ForConfirmation(row.Id),
            // What is left of the link's life when this attempt goes out (a retry sends it later than the request).
            ["hours"] = Math.Max(1, (int)Math.Ceiling((row.ExpiresAt - clock.GetUtcNow()).TotalHours)),
            ["already_subscribed"] = row.SubscriberState == SubscriberStates.Confirmed,
        };
        // One Message-ID per row: every attempt of the same email carries the same one.
        var message = mailer.Compose(
            MailboxAddress.Parse(row.Email),
            templates.Render("confirm.subject.sbn", model).Trim(),
            templates.Render("confirm.html.sbn", model),
            templates.Render("confirm.txt.sbn", model),
            $"confirm.{row.Id}@{mailer.Domain}");
        message.Headers.Add("Auto-Submitted", "auto-generated");
        signer.Sign(message);
        return message;
    }

    private void RecordTemporary(ConfirmationRow row, string error)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        if (row.Attempts >= o.MaxAttempts)
            outbox.MarkFinal(row.Id, DeliveryStates.Failed, $"gave up after {row.Attempts} attempts: {error}", now);
        else
            outbox.MarkRetry(row.Id, error, now + o.RetryDelay(row.Attempts), now);
    }

    private enum Outcome { Sent, Failed, Stop }
}
