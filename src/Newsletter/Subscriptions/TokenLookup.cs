namespace Newsletter.Subscriptions;

/// <summary>The result of looking a token up.</summary>
public sealed record TokenLookup(TokenStatus Status, long? SubscriberId);
