using Newsletter.Foundation;

namespace Newsletter.Delivery;

/// <summary>
/// Registers the send path (composer, renderer, throttle, the digest and confirmation senders) and the digest job,
/// and validates the Delivery section at start.
/// </summary>
public static class DeliveryServiceCollectionExtensions
{
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<DeliveryOptions>(configuration, DeliveryOptions.Section, o => o.Problems());
        services.AddSingleton<DigestComposer>();
        services.AddSingleton<DigestRenderer>();
        services.AddSettings<BouncePolicyOptions>(configuration, BouncePolicyOptions.Section, o => o.Problems());
        services.AddSingleton<BounceStore>();
        services.AddSingleton<BounceAddress>();
        services.AddSingleton<BouncePolicy>();
        services.AddSingleton<DeliveryHeaders>();
        services.AddSingleton<DeliveryThrottle>();
        services.AddSingleton<DeliverySender>();
        services.AddSingleton<ConfirmationSender>();
        services.AddTransient<DigestJob>();
        services.AddTransient<LedgerRetentionJob>();
        return services;
    }
}
