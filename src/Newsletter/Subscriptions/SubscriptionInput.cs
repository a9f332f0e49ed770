using Newsletter.Matching;

namespace Newsletter.Subscriptions;

/// <summary>
/// A subscription form or API body as the reader sent it, every field still text, so that an invalid form can be
/// shown again exactly as typed.
/// </summary>
public sealed record SubscriptionInput
{
    public string? Email { get; init; }
    public IReadOnlyList<string> Topics { get; init; } = [];
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public string? Frequency { get; init; }
    public string? Weekday { get; init; }
    public string? Hour { get; init; }
    public string? Timezone { get; init; }
    public string? Order { get; init; }

    /// <summary>The form's starting values for a new reader.</summary>
    public static SubscriptionInput Default { get; } = new() { Frequency = "daily", Weekday = "1", Hour = "8", Timezone = "UTC", Order = DigestOrders.Trending };

    /// <summary>A stored subscriber's preferences as form input.</summary>
    public static SubscriptionInput From(Subscriber subscriber, IEnumerable<SubscriberFilter> filters)
    {
        var list = filters.ToList();
        return new SubscriptionInput
        {
            Email = subscriber.Email,
            Topics = list.Where(f => f.Kind == SubscriberFilter.Topic).Select(f => f.Value).ToList(),
            Keywords = list.Where(f => f.Kind == SubscriberFilter.Keyword).Select(f => f.Value).ToList(),
            Frequency = subscriber.Frequency,
            Weekday = subscriber.Weekday.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Hour = subscriber.Hour.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Timezone = subscriber.Timezone,
            Order = subscriber.DigestOrder,
        };
    }
}
