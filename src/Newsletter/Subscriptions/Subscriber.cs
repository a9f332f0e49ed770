using Newsletter.Matching;

namespace Newsletter.Subscriptions;

/// <summary>A reader as stored: address, state and schedule.</summary>
public sealed record Subscriber
{
    public long Id { get; init; }
    public string Email { get; init; } = "";
    public string State { get; init; } = SubscriberStates.Pending;
    public string Frequency { get; init; } = "daily";
    public int Weekday { get; init; } = 1;
    public int Hour { get; init; } = 8;
    public string Timezone { get; init; } = "UTC";
    /// <summary>How their digest is ordered: <see cref="DigestOrders.Trending"/> or <see cref="DigestOrders.Relevance"/>.</summary>
    public string DigestOrder { get; init; } = DigestOrders.Trending;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ConfirmedAt { get; init; }
    public long? LastSeq { get; init; }
    public DateTimeOffset? NextDueAt { get; init; }
    /// <summary>Why they were suppressed or unsubscribed when it was not their own choice, or null.</summary>
    public string? StateReason { get; init; }

    /// <summary>When their digests fall due (<see cref="DigestSchedule"/>).</summary>
    public ReaderSchedule Schedule => new(Frequency, Weekday, Hour, Timezone);
}
