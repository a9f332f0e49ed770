using Microsoft.Extensions.Options;

namespace Newsletter.Bounces;

/// <summary>Registers the report parser's matcher and processor, the bounce mailbox, the webhooks, and validates the Bounces section at start.</summary>
public static class BouncesServiceCollectionExtensions
{
    public static IServiceCollection AddBounces(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BounceOptions>().Bind(configuration.GetSection(BounceOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BounceOptions>, BounceOptionsValidator>();
        services.AddSingleton<BounceMatcher>();
        services.AddSingleton<BounceProcessor>();
        services.AddSingleton<BounceMailbox>();
        services.AddTransient<BounceMailboxJob>();
        services.AddSingleton<BounceWebhooks>();
        return services;
    }
}
