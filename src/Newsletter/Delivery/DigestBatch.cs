using Newsletter.Listings;
using Newsletter.Matching;
using Newsletter.Subscriptions;

namespace Newsletter.Delivery;

/// <summary>
/// What composing a batch of ledger rows needs, loaded at once (<see cref="DigestComposer.Load"/>): readers, link
/// tokens, papers, each row's items, and each row's entries with every part rendered (see <see cref="PaperFragments"/>).
/// </summary>
public sealed record DigestBatch(
    IReadOnlyDictionary<long, Subscriber> Subscribers,
    IReadOnlyDictionary<long, ReaderTokens> Tokens,
    IReadOnlyDictionary<long, Paper> Papers,
    IReadOnlyDictionary<long, IReadOnlyList<DigestItem>> Items,
    IReadOnlyDictionary<long, IReadOnlyList<DigestEntry>> Entries)
{
    /// <summary>Frozen papers of these rows that no longer exist (each logged with its row), left out of their digests.</summary>
    public int MissingPapers { get; init; }

    /// <summary>The run's frames of the digest templates, shared by its batches.</summary>
    public DigestFrames? Frames { get; init; }
}
