namespace Newsletter.Digests;

/// <summary>The states of a ledger row.</summary>
public static class DeliveryStates
{
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Retry = "retry";
    public const string Failed = "failed";
    public const string Unknown = "unknown";

    /// <summary>Every state a row can be in (a query that must see every row through the state index names them all).</summary>
    public static readonly string[] All = [Pending, Sending, Sent, Retry, Failed, Unknown];
}
