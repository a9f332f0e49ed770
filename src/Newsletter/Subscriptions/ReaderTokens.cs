namespace Newsletter.Subscriptions;

/// <summary>A reader's long-lived link tokens: the preferences page and one-click unsubscribe.</summary>
public sealed record ReaderTokens(string Manage, string Unsubscribe);
