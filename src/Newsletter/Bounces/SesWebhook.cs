using System.Text.Json;
using Microsoft.Extensions.Options;
using Newsletter.Delivery;

namespace Newsletter.Bounces;

/// <summary>
/// Amazon SES through SNS: a message from a topic other than <c>Bounces:Webhooks:Ses:TopicArn</c>, or whose
/// signature does not verify, is refused; a subscription confirmation is answered by visiting its SNS
/// <c>SubscribeURL</c>; a notification's SES bounce and complaint events are recorded through
/// <see cref="BounceWebhooks"/>.
/// </summary>
public sealed class SesWebhook(IOptions<BounceOptions> options, SnsVerifier verifier, BounceWebhooks hooks, ILogger<SesWebhook> logger)
{
    /// <summary>The header SNS names the message type in.</summary>
    public const string MessageTypeHeader = "x-amz-sns-message-type";

    /// <summary>What became of one SNS message.</summary>
    public enum Result { Recorded, Confirmed, ConfirmationFailed, Unsubscribed, Forged, Unavailable, BadEvent }

    /// <summary>The result, the outcomes of a notification's events, and for <see cref="Result.BadEvent"/> the field and the problem.</summary>
    public sealed record Receipt(Result Result, IReadOnlyList<BounceOutcome> Outcomes, string? Field = null, string? Problem = null);

    public async Task<Receipt> ReceiveAsync(string? messageType, JsonElement? body, byte[] raw, CancellationToken ct)
    {
        // Everything a stranger controls is checked before anything is fetched.
        if (body is not { } json || SnsMessage.Read(json) is not { } message || message.Type != messageType || !OurTopic(message.TopicArn))
            return new Receipt(Result.Forged, []);
        switch (await verifier.VerifyAsync(message, ct))
        {
            case SnsVerifier.Verdict.Forged: return new Receipt(Result.Forged, []);
            case SnsVerifier.Verdict.Unavailable: return new Receipt(Result.Unavailable, []);
        }
        switch (message.Type)
        {
            case SnsMessage.SubscriptionConfirmation:
                var confirmed = await verifier.ConfirmAsync(message.SubscribeUrl, ct);
                logger.LogWarning("SNS subscription to {Topic}: {Result}", message.TopicArn, confirmed ? "confirmed" : "could not be confirmed (SNS will send it again)");
                return new Receipt(confirmed ? Result.Confirmed : Result.ConfirmationFailed, []);
            case SnsMessage.UnsubscribeConfirmation:
                logger.LogWarning("SNS unsubscribed this endpoint from {Topic}: no SES events will arrive until it is subscribed again", message.TopicArn);
                return new Receipt(Result.Unsubscribed, []);
        }
        IReadOnlyList<ProviderEvent> events;
        try
        {
            events = SesEvents.Read(message.Message, message.MessageId);
        }
        catch (FormatException e)
        {
            var colon = e.Message.IndexOf(':');
            return new Receipt(Result.BadEvent, [], e.Message[..colon], e.Message[(colon + 1)..].Trim());
        }
        return new Receipt(Result.Recorded, hooks.Record(BounceWebhooks.Ses, events, raw));
    }

    private bool OurTopic(string topic) =>
        options.Value.Webhooks.Ses.TopicArn.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Contains(topic, StringComparer.Ordinal);
}
