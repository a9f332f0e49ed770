using Newsletter.Listings;
using Newsletter.Matching;
using Newsletter.Subscriptions;

namespace Newsletter.Delivery;

/// <summary>What composing a batch of ledger rows needs, loaded at once (<see cref="DigestComposer.Load"/>).</summary>
public sealed record DigestBatch(
    IReadOnlyDictionary<long, Subscriber> Subscribers,
    IReadOnlyDictionary<long, ReaderTokens> Tokens,
    IReadOnlyDictionary<long, Paper> Papers,
    IReadOnlyDictionary<long, IReadOnlyList<DigestItem>> Items,
    SharedRenders? Shared);
