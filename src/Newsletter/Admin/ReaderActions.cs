using Newsletter.Digests;
using Newsletter.Subscriptions;

namespace Newsletter.Admin;

/// <summary>
/// What the operator may do to one reader or to ledger rows, each through the store that owns the table and each
/// logged with the operator's user name and what changed. Returns what happened in one sentence.
/// </summary>
public sealed class ReaderActions(
    SubscriberStore subscribers,
    DeliveryStore deliveries,
    SubscriptionService subscriptions,
    TimeProvider clock,
    ILogger<ReaderActions> logger)
{
    /// <summary>Longest reason the operator may give for lifting a suppression.</summary>
    public const int MaxReasonLength = 300;

    /// <summary>Puts one unknown or failed row back to pending, by the <c>resend</c> verb's rules (the reader must be confirmed).</summary>
    public string Resend(string user, Subscriber reader, DeliveryRow row)
    {
        if (row.State is not (DeliveryStates.Unknown or DeliveryStates.Failed))
            return $"Nothing changed: digest {row.PeriodKey} is {row.State}; only unknown or failed digests are sent again.";
        var (resent, _) = deliveries.Resend(row.State, null, clock.GetUtcNow(), onlyId: row.Id);
        if (resent == 0)
            return $"Nothing changed: {reader.Email} is {reader.State}; digests go again only to confirmed readers.";
        logger.LogInformation("Operator {User} resent delivery {Row} ({Period}, was {State}) of subscriber {Id}",
            user, row.Id, row.PeriodKey, row.State, reader.Id);
        return $"Digest {row.PeriodKey} is pending again; the next send delivers it.";
    }

    /// <summary>Puts every unknown or failed row planned on one UTC day back to pending (the <c>resend</c> verb's rules).</summary>
    public string ResendDay(string user, string state, DateTimeOffset from)
    {
        var day = from.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var (resent, skipped) = deliveries.Resend(state, null, clock.GetUtcNow(), plannedFrom: from, plannedBefore: from.AddDays(1));
        logger.LogInformation("Operator {User} resent {Resent} {State} deliveries planned on {Day} ({Skipped} left: reader no longer subscribed)",
            user, resent, state, day, skipped);
        return $"{resent} {state} digests of {day} are pending again" +
               (skipped > 0 ? $"; {skipped} stay {state} because the reader is no longer subscribed." : ".");
    }

    /// <summary>Suppresses a confirmed reader and ends their unsent digests.</summary>
    public string Suppress(string user, Subscriber reader)
    {
        var now = clock.GetUtcNow();
        if (!subscribers.Suppress(reader.Id, $"suppressed by operator {user}", now))
            return $"Nothing changed: {reader.Email} is {reader.State}; only a confirmed reader can be suppressed.";
        var ended = deliveries.EndUnsent(reader.Id, $"not sent: suppressed by operator {user}", now);
        logger.LogInformation("Operator {User} suppressed subscriber {Id} ({Ended} unsent digests ended)", user, reader.Id, ended);
        return $"{reader.Email} is suppressed; {ended} unsent {(ended == 1 ? "digest was" : "digests were")} ended.";
    }

    /// <summary>Confirms a suppressed reader again, keeping the operator's reason as the state's reason.</summary>
    public string Lift(string user, Subscriber reader, string reason)
    {
        var now = clock.GetUtcNow();
        var lifted = subscribers.LiftSuppression(reader.Id, $"suppression lifted by operator {user}: {reason}", now, s => DigestSchedule.NextDue(s.Schedule, now));
        if (lifted is null)
            return $"Nothing changed: {reader.Email} is {reader.State}, not suppressed.";
        logger.LogInformation("Operator {User} lifted the suppression of subscriber {Id}: {Reason}", user, reader.Id, reason);
        return $"{reader.Email} is confirmed again; the next digest is due {lifted.NextDueAt:yyyy-MM-dd HH:mm} UTC.";
    }

    /// <summary>Deletes the reader and everything about them, as their own "delete everything" does.</summary>
    public string Delete(string user, Subscriber reader)
    {
        if (!subscriptions.DeleteEverything(reader.Id)) return "Nothing changed: that reader was already deleted.";
        logger.LogInformation("Operator {User} deleted subscriber {Id}", user, reader.Id);
        return $"{reader.Email} and everything stored about them are deleted.";
    }
}
