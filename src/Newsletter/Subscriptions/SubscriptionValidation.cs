namespace Newsletter.Subscriptions;

/// <summary>The outcome of checking a <see cref="SubscriptionInput"/>: field errors, or the request to act on.</summary>
public sealed record SubscriptionValidation(IReadOnlyDictionary<string, string[]> Errors, SubscriptionRequest Request)
{
    public bool IsValid => Errors.Count == 0;
}
