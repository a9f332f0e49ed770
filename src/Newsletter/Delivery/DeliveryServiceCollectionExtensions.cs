using Microsoft.Extensions.Options;

namespace Newsletter.Delivery;

/// <summary>Registers the ledger, the bounce events and their policy, the throttle, the digest and confirmation senders, and validates the Delivery section at start.</summary>
public static class DeliveryServiceCollectionExtensions
{
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection(DeliveryOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>();
        services.AddOptions<BouncePolicyOptions>().Bind(configuration.GetSection(BouncePolicyOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BouncePolicyOptions>, BouncePolicyOptionsValidator>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<BounceStore>();
        services.AddSingleton<BounceAddress>();
        services.AddSingleton<BouncePolicy>();
        services.AddSingleton<DeliveryHeaders>();
        services.AddSingleton<DeliveryThrottle>();
        services.AddSingleton<DeliverySender>();
        services.AddSingleton<ConfirmationSender>();
        return services;
    }
}
