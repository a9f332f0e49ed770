namespace Newsletter.Subscriptions;

/// <summary>Registers subscribers, tokens, links and the subscription rules.</summary>
public static class SubscriptionsServiceCollectionExtensions
{
    public static IServiceCollection AddSubscriptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<SubscriberStore>();
        services.AddSingleton<TokenStore>();
        services.AddSingleton<SubscriptionLinks>();
        services.AddSingleton<SubscriptionService>();
        return services;
    }
}
