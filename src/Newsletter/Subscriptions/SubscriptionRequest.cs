using Newsletter.Matching;

namespace Newsletter.Subscriptions;

/// <summary>What a reader asks for when subscribing or changing preferences.</summary>
public sealed record SubscriptionRequest
{
    public string Email { get; init; } = "";
    public IReadOnlyList<string> Topics { get; init; } = [];
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public string Frequency { get; init; } = "daily";
    public int Weekday { get; init; } = 1;
    public int Hour { get; init; } = 8;
    public string Timezone { get; init; } = "UTC";
    public string Order { get; init; } = DigestOrders.Trending;

    // Derived from the lists above; a stored request (a confirmation's choices) keeps only the lists.
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<SubscriberFilter> Filters =>
        Topics.Select(SubscriberFilter.ForTopic).Concat(Keywords.Select(SubscriberFilter.ForKeyword));
}
