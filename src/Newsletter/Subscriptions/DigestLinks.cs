namespace Newsletter.Subscriptions;

/// <summary>The links one digest email carries for its reader.</summary>
/// <param name="Manage">The preferences page.</param>
/// <param name="Unsubscribe">The RFC 8058 one-click unsubscribe URL (also the List-Unsubscribe header).</param>
/// <param name="TopicStops">Per catalog topic slug: a "stop sending me this topic" link.</param>
public sealed record DigestLinks(string Manage, string Unsubscribe, IReadOnlyDictionary<string, string> TopicStops)
{
    /// <summary>Per keyword query, exactly as the reader typed it: a "stop this search" link.</summary>
    public IReadOnlyDictionary<string, string> KeywordStops { get; init; } = new Dictionary<string, string>();
}
