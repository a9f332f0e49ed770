namespace Newsletter.Subscriptions;

/// <summary>
/// One reader's digest window moving on (<see cref="SubscriberStore.PrepareWindowAdvance"/>): to
/// <paramref name="LastSeq"/> and <paramref name="NextDueAt"/>, only if the reader is still confirmed and still due at
/// <paramref name="PreviousDueAt"/> (so a repeated or concurrent planning run moves nobody twice).
/// </summary>
public readonly record struct WindowMove(long SubscriberId, long LastSeq, DateTimeOffset NextDueAt, DateTimeOffset PreviousDueAt);
