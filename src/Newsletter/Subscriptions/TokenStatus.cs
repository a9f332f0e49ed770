namespace Newsletter.Subscriptions;

/// <summary>Whether a link token can be used.</summary>
public enum TokenStatus { Valid, Expired, Unknown, Used }
