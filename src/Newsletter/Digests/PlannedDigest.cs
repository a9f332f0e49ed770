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
    DateTimeOffset NextDueAt)
{
    /// <summary>The papers, in order; let go once the run has numbered the list and an earlier digest carries it (<see cref="Carried"/>).</summary>
    public IReadOnlyList<DigestItem> Items { get; private set; } = Items;

    /// <summary>The run's number for this digest's list of items (<see cref="FrozenLists.Number"/>); -1 until numbered.</summary>
    internal int List { get; set; } = -1;

    /// <summary>
    /// Whether an earlier digest of the run carries the same list, so this one let its items go and names the list by
    /// <see cref="List"/> only: <see cref="Items"/> is then empty though the digest is not.
    /// </summary>
    internal bool Carried { get; private set; }

    /// <summary>Whether the digest holds no paper (<see cref="Items"/> alone cannot say once they were let go).</summary>
    internal bool IsEmpty => Items.Count == 0 && !Carried;

    /// <summary>Lets the items go: an earlier digest of the run carries the same list (numbered <see cref="List"/>).</summary>
    internal void LetItemsGo()
    {
        Items = [];
        Carried = true;
    }
}
