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
        // Start-up checks the section through Problems; a catalog made from a list is checked here the same way.
        if (Check(topics).FirstOrDefault() is ({ } key, { } problem)) throw new ConfigurationException(key, problem);
        All = topics;
    }

    /// <summary>Every topic, in catalog order.</summary>
    public IReadOnlyList<Topic> All { get; }

    /// <summary>The topic with that slug, or null.</summary>
    public Topic? Find(string slug) => All.FirstOrDefault(t => string.Equals(t.Slug, slug, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every problem with the topics, each one line naming <c>Topics:slug</c>; none when all are usable. Checked at start.</summary>
    public static IEnumerable<string> Problems(List<Topic> topics) => Check(topics).Select(p => $"{p.Key}: {p.Problem}").ToList();

    private static IEnumerable<(string Key, string Problem)> Check(IReadOnlyList<Topic> topics)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var probe = new QueryProbeStore();
        for (var i = 0; i < topics.Count; i++)
        {
            var topic = topics[i];
            var key = $"{Section}:{(string.IsNullOrWhiteSpace(topic.Slug) ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : topic.Slug)}";
            if (string.IsNullOrWhiteSpace(topic.Slug)) yield return (key, "every topic needs a Slug");
            else if (!seen.Add(topic.Slug)) yield return (key, "the slug is used by two topics");
            if (string.IsNullOrWhiteSpace(topic.Name)) yield return (key, "every topic needs a Name");
            if (string.IsNullOrWhiteSpace(topic.Query)) yield return (key, "every topic needs a Query");
            else if (probe.QueryError(topic.Query) is { } error)
                yield return (key, $"the query '{topic.Query}' is not a valid full-text query: {error}");
        }
    }
}
