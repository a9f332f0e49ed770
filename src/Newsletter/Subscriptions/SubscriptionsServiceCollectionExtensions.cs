using Newsletter.Foundation;

namespace Newsletter.Subscriptions;

/// <summary>Registers subscribers, tokens, links, validation, search, the subscription rules and their rate limits.</summary>
public static class SubscriptionsServiceCollectionExtensions
{
    public static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<SubscriptionOptions>(configuration, SubscriptionOptions.Section, o => o.Problems());
        return services
            .AddShared(typeof(SubscriberStore), typeof(TokenStore), typeof(ConfirmationStore), typeof(ConfirmationSignal))
            .AddShared(typeof(SubscriptionService), typeof(SubscriptionValidator), typeof(SubscriptionLinks), typeof(PreferencesForm),
                typeof(PaperSearch), typeof(ReaderDataSections))
            .AddPerRun(typeof(UnconfirmedCleanupJob))
            .AddSubscriptionRateLimits();
    }
}
