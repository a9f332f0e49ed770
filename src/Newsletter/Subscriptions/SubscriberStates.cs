namespace Newsletter.Subscriptions;

/// <summary>The states a subscriber moves through.</summary>
public static class SubscriberStates
{
    public const string Pending = "pending";
    public const string Confirmed = "confirmed";
    public const string Unsubscribed = "unsubscribed";
    public const string Suppressed = "suppressed";
}
