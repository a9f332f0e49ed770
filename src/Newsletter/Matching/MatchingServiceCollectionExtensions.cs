namespace Newsletter.Matching;

/// <summary>Registers the topic catalog, the query rules and the matcher, and validates their sections at start.</summary>
public static class MatchingServiceCollectionExtensions
{
    public static IServiceCollection AddMatching(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DigestOptions>().Bind(configuration.GetSection(DigestOptions.Section))
            .Validate(o => o.MaxPapers > 0, $"{DigestOptions.Section}:MaxPapers must be at least 1")
            .Validate(o => o.ExcerptLength >= 40, $"{DigestOptions.Section}:ExcerptLength must be at least 40")
            .ValidateOnStart();
        services.AddOptions<List<Topic>>().Bind(configuration.GetSection(TopicCatalog.Section))
            // Throws a ConfigurationException naming Topics:<slug>; runs at start with every other option check.
            .Validate(list => { TopicCatalog.Validate(list); return true; })
            .ValidateOnStart();
        const string q = QueryOptions.Section;
        services.AddOptions<QueryOptions>().Bind(configuration.GetSection(q))
            .Validate(o => o.MaxTerms is >= 1 and <= 100, $"{q}:MaxTerms must be between 1 and 100")
            .Validate(o => o.MaxPrefixTerms is >= 0 and <= 10, $"{q}:MaxPrefixTerms must be between 0 and 10")
            .Validate(o => o.MinPrefixLength is >= 1 and <= 20, $"{q}:MinPrefixLength must be between 1 and 20")
            .Validate(o => o.MaxOrBranches is >= 1 and <= 100, $"{q}:MaxOrBranches must be between 1 and 100")
            .Validate(o => o.MaxNearPhrases is >= 1 and <= 20, $"{q}:MaxNearPhrases must be between 1 and 20")
            .Validate(o => o.MaxNearDistance is >= 0 and <= 1000, $"{q}:MaxNearDistance must be between 0 and 1000")
            .Validate(o => o.MaxDepth is >= 0 and <= 20, $"{q}:MaxDepth must be between 0 and 20")
            .Validate(o => o.RequestBudgetMs is >= 1 and <= 60_000, $"{q}:RequestBudgetMs must be between 1 and 60000")
            .Validate(o => o.PlanningBudgetMs is >= 1 and <= 600_000, $"{q}:PlanningBudgetMs must be between 1 and 600000")
            .ValidateOnStart();
        services.AddSingleton<TopicCatalog>();
        services.AddSingleton<PaperMatcher>();
        return services;
    }
}
