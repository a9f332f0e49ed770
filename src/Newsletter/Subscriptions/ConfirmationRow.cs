namespace Newsletter.Subscriptions;

/// <summary>A confirmation email claimed for sending: its row, the reader's address and state, and its attempts so far.</summary>
public sealed record ConfirmationRow
{
    public long Id { get; init; }
    public long SubscriberId { get; init; }
    public required string Email { get; init; }
    public required string SubscriberState { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
}
