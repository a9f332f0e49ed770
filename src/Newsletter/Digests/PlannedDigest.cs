using Newsletter.Matching;

namespace Newsletter.Digests;

/// <summary>
/// A digest the planner decided on: the ledger row to create and how the reader's window advances with it.
/// <see cref="Items"/> may be empty when the window advances without an email.
/// </summary>
public sealed record PlannedDigest(
    long SubscriberId,
    string PeriodKey,
    DateTimeOffset WindowFrom,
    DateTimeOffset WindowTo,
    IReadOnlyList<DigestItem> Items,
    long LastSeq,
    DateTimeOffset PreviousDueAt,
    DateTimeOffset NextDueAt);
