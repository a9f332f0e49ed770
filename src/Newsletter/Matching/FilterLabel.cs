namespace Newsletter.Matching;

/// <summary>
/// How a matched filter is recorded in a frozen digest item: a topic by its slug, a keyword as <c>keyword:</c> + its
/// query, so a keyword that happens to equal a slug is never shown (or stopped) as that topic.
/// </summary>
public static class FilterLabel
{
    internal const string KeywordPrefix = "keyword:";

    public static string For(SubscriberFilter filter) => For(filter.Kind, filter.Value);

    /// <summary>The label of the filter of <paramref name="kind"/> and <paramref name="value"/>.</summary>
    public static string For(string kind, string value) => kind == SubscriberFilter.Keyword ? KeywordPrefix + value : value;

    /// <summary>The keyword query of a label, or null for a topic label.</summary>
    public static string? Keyword(string label) =>
        label.StartsWith(KeywordPrefix, StringComparison.Ordinal) ? label[KeywordPrefix.Length..] : null;

    /// <summary>The catalog topic of a label, or null for a keyword or a topic no longer in the catalog.</summary>
    public static Topic? Topic(string label, TopicCatalog topics) => Keyword(label) is null ? topics.Find(label) : null;

    /// <summary>The FTS5 query behind a label (a keyword translated by <see cref="ReaderQuery"/>), or null when it is unknown.</summary>
    public static string? Query(string label, TopicCatalog topics) =>
        Keyword(label) is { } keyword ? ReaderQuery.ToFts5(keyword) : topics.Find(label)?.Query;

    /// <summary>What a reader sees: the topic's name, or the keyword exactly as they typed it (templates mark it as a search).</summary>
    public static string Display(string label, TopicCatalog topics) => Keyword(label) ?? topics.Find(label)?.Name ?? label;
}
