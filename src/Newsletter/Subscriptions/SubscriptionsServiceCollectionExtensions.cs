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
        services.AddSingleton<SubscriberStore>();
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
