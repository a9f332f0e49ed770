namespace Newsletter.Bounces;

/// <summary>One event from a provider's webhook, before matching: what happened to which address or ledger row.</summary>
/// <param name="Kind">A <see cref="Delivery.BounceKinds"/> value.</param>
/// <param name="EventId">The provider's id for the event (dedupe); null uses the body's hash.</param>
/// <param name="Token">Our signed <c>X-Newsletter-Delivery</c> token, when the provider hands it back.</param>
/// <param name="Envelopes">Envelope senders the provider reports (our VERP return path proves the row).</param>
public sealed record ProviderEvent(
    string Kind, string? Address, long? DeliveryId, string? MessageId, string? Status, string? Reason, string? EventId,
    string? Token = null, IReadOnlyList<string>? Envelopes = null);
