using Newsletter.Foundation;

namespace Newsletter.Matching;

/// <summary>Registers the topic catalog, the query rules and the matcher, and validates their sections at start.</summary>
public static class MatchingServiceCollectionExtensions
{
    public static IServiceCollection AddMatching(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<DigestOptions>(configuration, DigestOptions.Section, o => o.Problems());
        services.AddSettings<List<Topic>>(configuration, TopicCatalog.Section, TopicCatalog.Problems);
        services.AddSettings<QueryOptions>(configuration, QueryOptions.Section, o => o.Problems());
        return services.AddShared(typeof(TopicCatalog), typeof(PreviewWindows));
    }
}
