using Microsoft.Extensions.Options;
using Newsletter.Foundation;

namespace Newsletter.Matching;

/// <summary>
/// The topics readers can choose from, read from the <c>Topics</c> config section. Every query is checked by a
/// <see cref="QueryProbeStore"/> (an in-memory FTS5 table shaped like <c>papers_fts</c>), so a broken one stops
/// start-up naming its slug.
/// </summary>
public sealed class TopicCatalog
{
    public const string Section = "Topics";

    public TopicCatalog(IOptions<List<Topic>> topics) : this(topics.Value)
    {
    }

    public TopicCatalog(IReadOnlyList<Topic> topics)
    {
        Validate(topics);
        All = topics;
    }

    /// <summary>Every topic, in catalog order.</summary>
    public IReadOnlyList<Topic> All { get; }

    /// <summary>The topic with that slug, or null.</summary>
    public Topic? Find(string slug) => All.FirstOrDefault(t => string.Equals(t.Slug, slug, StringComparison.OrdinalIgnoreCase));

    /// <summary>The first bad topic as one line naming <c>Topics:slug</c>; none when all are usable. Checked at start.</summary>
    public static IEnumerable<string> Problems(List<Topic> topics)
    {
        try
        {
            Validate(topics);
        }
        catch (ConfigurationException e)
        {
            return [e.Message];
        }
        return [];
    }

    /// <summary>Throws a <see cref="ConfigurationException"/> naming <c>Topics:slug</c> for the first bad topic.</summary>
    public static void Validate(IReadOnlyList<Topic> topics)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var probe = new QueryProbeStore();
        for (var i = 0; i < topics.Count; i++)
        {
            var topic = topics[i];
            var key = $"{Section}:{(string.IsNullOrWhiteSpace(topic.Slug) ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : topic.Slug)}";
            if (string.IsNullOrWhiteSpace(topic.Slug)) throw new ConfigurationException(key, "every topic needs a Slug");
            if (!seen.Add(topic.Slug)) throw new ConfigurationException(key, "the slug is used by two topics");
            if (string.IsNullOrWhiteSpace(topic.Name)) throw new ConfigurationException(key, "every topic needs a Name");
            if (string.IsNullOrWhiteSpace(topic.Query)) throw new ConfigurationException(key, "every topic needs a Query");
            if (probe.QueryError(topic.Query) is { } error)
                throw new ConfigurationException(key, $"the query '{topic.Query}' is not a valid full-text query: {error}");
        }
    }
}
