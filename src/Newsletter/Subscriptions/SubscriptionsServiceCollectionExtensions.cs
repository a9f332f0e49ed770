using Newsletter.Foundation;

namespace Newsletter.Subscriptions;

/// <summary>Registers subscribers, tokens, links, validation, search, the subscription rules and their rate limits.</summary>
public static class SubscriptionsServiceCollectionExtensions
{
    public static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<SubscriptionOptions>(configuration, SubscriptionOptions.Section, o => o.Problems());
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
