using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>
/// A confirmed reader as planning needs them (<see cref="DueReaderStore"/>): their schedule and order, the digest that
/// is due, and where it starts: after <see cref="LastSeq"/>, the last paper their previous digest covered, or for a
/// first digest, papers first seen one period before <see cref="FirstDigestFrom"/> (confirmed, else signed up).
/// </summary>
/// <param name="Email">Empty unless the caller asked for addresses (planning itself needs none).</param>
public sealed record DueReader(long Id, string Email, ReaderSchedule Schedule, string DigestOrder, long? LastSeq,
    DateTimeOffset NextDueAt, DateTimeOffset? FirstDigestFrom)
{
    /// <summary>A stored reader whose next digest falls due at <paramref name="nextDueAt"/> (a preview of it).</summary>
    public static DueReader Of(Subscriber subscriber, DateTimeOffset nextDueAt) =>
        new(subscriber.Id, subscriber.Email, subscriber.Schedule, subscriber.DigestOrder, subscriber.LastSeq, nextDueAt,
            subscriber.LastSeq is null ? subscriber.ConfirmedAt ?? subscriber.CreatedAt : null);
}
