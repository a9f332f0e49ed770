namespace Newsletter.Delivery;

/// <summary>Registers the ledger and the sender.</summary>
public static class DeliveryServiceCollectionExtensions
{
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeliveryOptions>().Bind(configuration.GetSection(DeliveryOptions.Section))
            .Validate(o => o.BatchSize > 0, $"{DeliveryOptions.Section}:BatchSize must be at least 1")
            .Validate(o => o.LeaseSeconds > 0, $"{DeliveryOptions.Section}:LeaseSeconds must be at least 1")
            .ValidateOnStart();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<DeliveryHeaders>();
        services.AddSingleton<DeliverySender>();
        return services;
    }
}
