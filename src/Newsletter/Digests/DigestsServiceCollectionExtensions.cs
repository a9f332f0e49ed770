using Microsoft.Extensions.Options;

namespace Newsletter.Digests;

/// <summary>Registers the topic catalog, planner, composer and the digest job.</summary>
public static class DigestsServiceCollectionExtensions
{
    public static IServiceCollection AddDigests(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DigestOptions>().Bind(configuration.GetSection(DigestOptions.Section))
            .Validate(o => o.MaxPapers > 0, $"{DigestOptions.Section}:MaxPapers must be at least 1")
            .Validate(o => o.ExcerptLength >= 40, $"{DigestOptions.Section}:ExcerptLength must be at least 40")
            .ValidateOnStart();
        services.AddOptions<List<Topic>>().Bind(configuration.GetSection(TopicCatalog.Section))
            // Throws a ConfigurationException naming Topics:<slug>; runs at start with every other option check.
            .Validate(list => { TopicCatalog.Validate(list); return true; })
            .ValidateOnStart();
        services.AddSingleton<TopicCatalog>();
        services.AddSingleton<DigestPlanner>();
        services.AddSingleton<DigestComposer>();
        services.AddSingleton<MatchHighlighter>();
        services.AddSingleton<DigestRenderer>();
        services.AddSingleton<DigestArchive>();
        services.AddTransient<DigestJob>();
        services.AddSingleton<DigestRunStore>();
        return services;
    }
}
