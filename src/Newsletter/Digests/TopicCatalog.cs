using Microsoft.Extensions.Options;

namespace Newsletter.Digests;

/// <summary>The topics readers can choose from, read from the <c>Topics</c> config section.</summary>
public sealed class TopicCatalog(IOptions<List<Topic>> topics)
{
    public const string Section = "Topics";

    /// <summary>Every topic, in catalog order.</summary>
    public IReadOnlyList<Topic> All { get; } = topics.Value;

    /// <summary>The topic with that slug, or null.</summary>
    public Topic? Find(string slug) => All.FirstOrDefault(t => string.Equals(t.Slug, slug, StringComparison.OrdinalIgnoreCase));
}
