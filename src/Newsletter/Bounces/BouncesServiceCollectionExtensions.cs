using Newsletter.Foundation;

namespace Newsletter.Bounces;

/// <summary>Registers the report parser's matcher and processor, the bounce mailbox, the webhooks, and validates the Bounces section at start.</summary>
public static class BouncesServiceCollectionExtensions
{
    public static IServiceCollection AddBounces(this IServiceCollection services, IConfiguration configuration) => services
        .AddSettings<BounceOptions>(configuration, BounceOptions.Section, o => o.Problems())
        .AddShared(typeof(BounceMatcher), typeof(BounceProcessor), typeof(BounceMailbox), typeof(BounceWebhooks), typeof(SesWebhook), typeof(SnsVerifier))
        .AddPerRun(typeof(BounceMailboxJob))
        .AddHttpClient(SnsVerifier.HttpClientName).Services;
}
