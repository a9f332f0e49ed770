namespace Newsletter.Subscriptions;

/// <summary>One of a reader's interests: a catalog topic (by slug) or an own keyword query.</summary>
public sealed record SubscriberFilter(string Kind, string Value)
{
    public const string Topic = "topic";
    public const string Keyword = "keyword";

    public static SubscriberFilter ForTopic(string slug) => new(Topic, slug);
    public static SubscriberFilter ForKeyword(string query) => new(Keyword, query);
}
