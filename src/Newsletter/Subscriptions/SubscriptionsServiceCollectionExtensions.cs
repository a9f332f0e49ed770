namespace Newsletter.Subscriptions;

/// <summary>Registers subscribers, tokens, links, validation, search, the subscription rules and their rate limits.</summary>
public static class SubscriptionsServiceCollectionExtensions
{
    public static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration configuration)
    {
        const string s = SubscriptionOptions.Section;
        services.AddOptions<SubscriptionOptions>().Bind(configuration.GetSection(s))
            .Validate(o => o.ConfirmationLifetimeHours is >= 1 and <= 24 * 30, $"{s}:ConfirmationLifetimeHours must be between 1 and 720")
            .Validate(o => o.MaxConfirmationsPerDay >= 1, $"{s}:MaxConfirmationsPerDay must be at least 1")
            .Validate(o => o.MaxTopics >= 1, $"{s}:MaxTopics must be at least 1")
            .Validate(o => o.MaxKeywords >= 0, $"{s}:MaxKeywords must not be negative")
            .Validate(o => o.MaxKeywordLength is >= 1 and <= 1000, $"{s}:MaxKeywordLength must be between 1 and 1000")
            .Validate(o => o.PreviewDays is >= 1 and <= 365, $"{s}:PreviewDays must be between 1 and 365")
            .Validate(o => o.SubscribePermitsPerMinute >= 1, $"{s}:SubscribePermitsPerMinute must be at least 1")
            .Validate(o => o.PreviewPermitsPerMinute >= 1, $"{s}:PreviewPermitsPerMinute must be at least 1")
            .Validate(o => o.PreviewsAtOncePerClient is >= 1 and <= 64, $"{s}:PreviewsAtOncePerClient must be between 1 and 64")
            .Validate(o => o.UnconfirmedRetentionDays is >= 0 and <= 3650, $"{s}:UnconfirmedRetentionDays must be between 0 (keep) and 3650")
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
        services.AddSingleton<SubscriberStore>();
        services.AddSingleton<ReaderDataSections>();
        services.AddSingleton<UnconfirmedCleanupJob>();
        services.AddSingleton<TokenStore>();
        services.AddSingleton<ConfirmationStore>();
        services.AddSingleton<ConfirmationSignal>();
        services.AddSingleton<SubscriptionLinks>();
        services.AddSingleton<SubscriptionService>();
        services.AddSingleton<SubscriptionValidator>();
        services.AddSingleton<PaperSearch>();
        services.AddSingleton<PreferencesForm>();
        services.AddSubscriptionRateLimits();
        return services;
    }
}
