using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Digests;
using Newsletter.Mail;

namespace Newsletter.Delivery;

/// <summary>
/// Sends what the ledger holds: <c>Delivery:Connections</c> workers, each with one mail session (one SMTP
/// connection reused for many messages) and one database connection. A worker claims a batch, loads it, renders
/// each message just before it goes on the wire, and records the messages the server accepted in groups of at
/// most <see cref="DeliveryStore.UnrecordedAtMost"/> (one commit per group, not per message), so a crash leaves at most
/// that many rows per worker whose fate is unknown (recovered as <c>unknown</c>, never sent twice).
/// </summary>
public sealed class DeliverySender(
    DeliveryStore ledger,
    DigestComposer composer,
    DeliveryHeaders headers,
    MessageSigner signer,
    DeliveryThrottle throttle,
    BounceAddress bounceAddress,
    BouncePolicy bouncePolicy,
    Mailer mailer,
    IOptions<DeliveryOptions> options,
    TimeProvider clock,
    ILogger<DeliverySender> logger)
{
    /// <summary>Sends every row pending or due for retry at <paramref name="at"/>; returns how many were sent.</summary>
    public async Task<int> SendDueAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var unknown = ledger.RecoverAbandoned(clock.GetUtcNow());
        if (unknown > 0)
            logger.LogWarning("{Count} deliveries were left mid-send by a stopped process and are now 'unknown' (see the deliveries verb)", unknown);
        if (!ledger.AnyDue(at)) return 0;
        var run = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        // Readers suppressed during this run: their rows already claimed by any worker are not sent either.
        var suppressed = new ConcurrentDictionary<long, bool>();
        // Each paper rendered once for the whole run, placed as is in every digest that holds it (and each reader's piece once).
        var fragments = new PaperFragments();
        var missing = new StrongBox<int>();
        var workers = Enumerable.Range(1, options.Value.Connections)
            .Select(i => OnOwnThread($"send worker {i}", () => RunWorker(run, $"{run}/{i}", at, suppressed, fragments, missing, cancellationToken)));
        var sent = (await Task.WhenAll(workers)).Sum();
        // One line per run, not per digest (a run may send thousands): how many, and where they went.
        logger.LogInformation("Sent {Sent} digests, {Destination} ({Papers} paper fragments and {Pieces} reader pieces rendered, {Missing} frozen papers no longer exist)",
            sent, mailer.Destination, fragments.Count, fragments.Pieces, missing.Value);
        return sent;
    }

    // A worker owns a thread and blocks on its connection's socket (IMailSession.Send): each reply of the relay wakes
    // that thread directly, where an asynchronous send went through an I/O completion and a thread-pool dispatch at
    // each of a message's round trips. It loads and composes on that thread too: with a connection per worker the
    // others keep the cores busy while one waits for its relay, and a hand-off to the pool a message cost a wake-up
    // and the pool threads' spinning for the next item (~10% of the send's CPU).
    private static Task<int> OnOwnThread(string name, Func<int> work)
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }) { IsBackground = true, Name = name }.Start();
        return done.Task;
    }

    private int RunWorker(
        string run, string owner, DateTimeOffset at, ConcurrentDictionary<long, bool> suppressed, PaperFragments fragments,
        StrongBox<int> missing, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var lease = TimeSpan.FromSeconds(o.LeaseSeconds);
        using var db = ledger.OpenConnection();
        using var session = mailer.OpenSession();
        var sent = 0;
        long lastStarted = 0;
        var accepted = new List<SentMessage>(o.BatchSize);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var leaseUntil = clock.GetUtcNow() + lease;
                // Rows this run already tried and put back for retry wait for a later run, however far ahead `at` is
                // (send-due --at, tests): otherwise a fault that repeats at once would spend every attempt in one run.
                var batch = ledger.Claim(db, owner, at, leaseUntil, o.BatchSize, clock.GetUtcNow(), run);
                if (batch.Count == 0) break;
                // Readers, tokens and papers for the whole batch in a few queries, its new papers rendered once.
                var loaded = Load(batch, fragments, missing);
                foreach (var row in batch)
                {
                    if (cancellationToken.IsCancellationRequested) return sent;
                    if (clock.GetUtcNow() > leaseUntil - lease / 2)
                    {
                        // A slow server: keep the claim alive so no other process takes these rows as abandoned.
                        leaseUntil = clock.GetUtcNow() + lease;
                        if (!ledger.RenewLease(db, owner, leaseUntil).Contains(row.Id)) continue;
                    }
                    lastStarted = row.Id;
                    if (suppressed.ContainsKey(row.SubscriberId))
                    {
                        ledger.MarkFinal(db, row.Id, DeliveryStates.Failed, "not sent: the reader is no longer subscribed", clock.GetUtcNow());
                        continue;
                    }
                    if (throttle.Enabled) throttle.WaitAsync(cancellationToken).GetAwaiter().GetResult();
                    var prepared = Prepare(row, loaded);
                    // Done with once sent: its body's buffer goes back to the pool for a next message.
                    using var message = prepared.Message;
                    var outcome = SendOne(db, session, row, prepared, suppressed, accepted);
                    if (outcome == Outcome.Sent) sent++;
                    // Recorded in groups: after a crash at most this many rows are unknown (DeliveryStore.RecoverAbandoned).
                    if (accepted.Count >= DeliveryStore.UnrecordedAtMost) RecordAccepted(db, accepted);
                    if (outcome == Outcome.StopWorker) return sent;
                }
                RecordAccepted(db, accepted);
            }
            return sent;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return sent;
        }
        finally
        {
            RecordAccepted(db, accepted);
            // Rows claimed but never started go back to pending; an unrecorded started row stays for recovery.
            ledger.Release(db, owner, lastStarted, clock.GetUtcNow());
        }
    }

    private void RecordAccepted(DbConnection db, List<SentMessage> accepted)
    {
        ledger.MarkSent(db, accepted);
        accepted.Clear();
    }

    // A batch that cannot be loaded fails each of its rows as a compose fault (tried again in a later run).
    private Loaded Load(IReadOnlyList<DeliveryRow> batch, PaperFragments fragments, StrongBox<int> missing)
    {
        try
        {
            var loaded = composer.Load(batch, fragments);
            Interlocked.Add(ref missing.Value, loaded.MissingPapers);
            return new Loaded(loaded, null);
        }
        catch (Exception e)
        {
            return new Loaded(null, e);
        }
    }

    private Prepared Prepare(DeliveryRow row, Loaded loaded)
    {
        if (loaded.Batch is null) return new Prepared(null, null, loaded.Error);
        try
        {
            var digest = composer.Compose(row, loaded.Batch);
            headers.Apply(digest.Message, digest.Links.Unsubscribe);
            // The signed row token: a bounce or complaint that quotes our headers proves which digest it is about.
            digest.Message.Headers.Replace(BounceAddress.HeaderName, bounceAddress.Token(row.Id));
            signer.Sign(digest.Message);
            return new Prepared(digest.Message, bounceAddress.ReturnPathFor(row.Id), null);
        }
        catch (Exception e)
        {
            return new Prepared(null, null, e);
        }
    }

    private Outcome SendOne(
        DbConnection db, IMailSession session, DeliveryRow row, Prepared prepared, ConcurrentDictionary<long, bool> suppressed,
        List<SentMessage> accepted)
    {
        if (prepared.Message is null)
        {
            // A rendering fault is ours, not the server's: nothing left, so it is safe to try again later.
            logger.LogError(prepared.Error, "Delivery {Id}: could not compose the message", row.Id);
            RecordTemporary(db, row, "compose: " + prepared.Error?.Message);
            return Outcome.Failed;
        }
        try
        {
            // Not cancellable: once started, a message is finished and recorded, so a stop never strands it.
            var reply = session.Send(prepared.Message, prepared.ReturnPath, CancellationToken.None);
            accepted.Add(new SentMessage(row.Id, reply, clock.GetUtcNow()));
            return Outcome.Sent;
        }
        catch (MailSendException e) when (e.Kind == SendFailureKind.Transient)
        {
            logger.LogWarning("Delivery {Id}: {Error}", row.Id, e.Message);
            var gaveUp = RecordTemporary(db, row, e.Message);
            // The relay refused the recipient for now at the last attempt too: we gave up, which is a soft bounce
            // (counted with the others). A lost connection, a 421 or a refused sender says nothing about the reader.
            if (gaveUp && e.RecipientRefused)
                RecordBounce(row, BounceKinds.Soft, BounceKinds.StatusCode(e.Message), $"gave up after {row.Attempts} attempts: {e.Message}", suppressed);
            return e.ConnectFailed ? Outcome.StopWorker : Outcome.Failed;
        }
        catch (MailSendException e) when (e.Kind == SendFailureKind.Permanent)
        {
            if (e.RecipientRefused)
            {
                ledger.MarkFinal(db, row.Id, DeliveryStates.Failed, e.Message, clock.GetUtcNow());
                var status = BounceKinds.StatusCode(e.Message);
                RecordBounce(row, BounceKinds.FromReport("failed", status ?? "5.0.0"), status, e.Message, suppressed);
            }
            else
            {
                logger.LogWarning("Delivery {Id}: refused: {Error}", row.Id, e.Message);
                ledger.MarkFinal(db, row.Id, DeliveryStates.Failed, e.Message, clock.GetUtcNow());
            }
            return Outcome.Failed;
        }
        catch (MailSendException e)
        {
            logger.LogError("Delivery {Id}: {Error}; marked unknown (not resent automatically)", row.Id, e.Message);
            ledger.MarkFinal(db, row.Id, DeliveryStates.Unknown, e.Message, clock.GetUtcNow());
            return Outcome.Failed;
        }
        catch (Exception e) when (e is not DbException)
        {
            // An unexpected fault inside the mail path: the message may or may not have left, so never resend it blindly.
            logger.LogError(e, "Delivery {Id}: unexpected error while sending; marked unknown", row.Id);
            ledger.MarkFinal(db, row.Id, DeliveryStates.Unknown, "unexpected: " + e.Message, clock.GetUtcNow());
            return Outcome.StopWorker;
        }
    }

    /// <returns>True when this was the last attempt: the row ended <c>failed</c>.</returns>
    private bool RecordTemporary(DbConnection db, DeliveryRow row, string error)
    {
        var o = options.Value;
        if (row.Attempts >= o.MaxAttempts)
        {
            ledger.MarkFinal(db, row.Id, DeliveryStates.Failed, $"gave up after {row.Attempts} attempts: {error}", clock.GetUtcNow());
            return true;
        }
        ledger.MarkRetry(db, row.Id, error, clock.GetUtcNow() + o.RetryDelay(row.Attempts), clock.GetUtcNow());
        return false;
    }

    // Recorded with every other bounce, so one history (and one policy) covers all of them.
    private void RecordBounce(DeliveryRow row, string kind, string? status, string diagnostic, ConcurrentDictionary<long, bool> suppressed)
    {
        var bounce = bouncePolicy.Record(new BounceEvent
        {
            SubscriberId = row.SubscriberId, DeliveryId = row.Id, Kind = kind, Status = status, Diagnostic = diagnostic,
            Source = BounceSources.Smtp, MatchedBy = BounceMatches.Smtp, DedupeKey = $"smtp:{row.Id}:{row.Attempts}", ReceivedAt = clock.GetUtcNow(),
        });
        if (bounce.Stopped) suppressed[row.SubscriberId] = true;
        logger.LogWarning("Delivery {Id}: recipient refused ({Kind}): {Error}{Suppressed}", row.Id, kind, diagnostic,
            bounce.Stopped ? "; the reader is suppressed" : "");
    }

    private sealed record Loaded(DigestBatch? Batch, Exception? Error);

    private sealed record Prepared(MimeMessage? Message, MailboxAddress? ReturnPath, Exception? Error);

    private enum Outcome { Sent, Failed, StopWorker }
}
