using Newsletter.Delivery;

namespace Newsletter.Bounces;

/// <summary>The result of reading one message from the bounce address: whether it could be read, and one line saying what it was and what changed.</summary>
public sealed record ProcessedMessage(bool Parsed, string Line, IReadOnlyList<BounceOutcome> Outcomes);
