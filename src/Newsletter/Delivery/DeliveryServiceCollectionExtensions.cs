using Newsletter.Foundation;

namespace Newsletter.Delivery;

/// <summary>
/// Registers the send path (composer, renderer, throttle, the digest and confirmation senders), the bounce store and
/// policy, and the digest and ledger-retention jobs, and validates the Delivery section and the bounce policy's keys
/// at start.
/// </summary>
public static class DeliveryServiceCollectionExtensions
{
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration) => services
        .AddSettings<DeliveryOptions>(configuration, DeliveryOptions.Section, o => o.Problems())
        .AddSettings<BouncePolicyOptions>(configuration, BouncePolicyOptions.Section, o => o.Problems())
        .AddShared(typeof(DigestComposer), typeof(DigestRenderer), typeof(DeliveryHeaders), typeof(DeliveryThrottle), typeof(SendBudgetStore),
            typeof(DeliverySender), typeof(ConfirmationSender))
        // Bounce events are recorded against the ledger rows this folder sends, so their store and policy live here.
        .AddShared(typeof(BounceStore), typeof(BounceAddress), typeof(BouncePolicy))
        .AddPerRun(typeof(DigestJob), typeof(LedgerRetentionJob));
}
