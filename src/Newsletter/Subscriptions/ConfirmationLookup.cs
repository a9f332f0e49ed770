namespace Newsletter.Subscriptions;

/// <summary>What a confirmation link stands for: its status, its reader and the choices it applies (null keeps theirs).</summary>
public sealed record ConfirmationLookup(TokenStatus Status, long? SubscriberId, SubscriptionRequest? Choices);
