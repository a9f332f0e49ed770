using System.Text.Json;
using Newsletter.Delivery;

namespace Newsletter.Bounces;

/// <summary>
/// Reads each provider's webhook JSON into <see cref="ProviderEvent"/>s. A body that does not have the fields a
/// provider always sends throws <see cref="FormatException"/> naming the field (answered 400).
/// </summary>
public static class WebhookReader
{
    public static IReadOnlyList<ProviderEvent> Read(string provider, JsonElement body) => provider switch
    {
        BounceWebhooks.Generic => [Generic(body)],
        BounceWebhooks.Postmark => [Postmark(body)],
        BounceWebhooks.Mailgun => [Mailgun(body)],
        BounceWebhooks.Sendgrid => SendgridEvents.Read(body),
        _ => throw new FormatException("provider"),
    };

    // { "deliveryId" | "email", "type": "hard" | "soft" | "complaint", "reason", "id" }
    private static ProviderEvent Generic(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new FormatException("body: must be a JSON object");
        var kind = String(body, "type") switch
        {
            "hard" => BounceKinds.Hard,
            "soft" => BounceKinds.Soft,
            "complaint" => BounceKinds.Complaint,
            _ => throw new FormatException("type: must be hard, soft or complaint"),
        };
        long? deliveryId = body.TryGetProperty("deliveryId", out var id)
            ? id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var n) && n > 0 ? n : throw new FormatException("deliveryId: must be a ledger row id")
            : null;
        var email = String(body, "email");
        if (deliveryId is null && string.IsNullOrWhiteSpace(email)) throw new FormatException("deliveryId: give deliveryId or email");
        return new ProviderEvent(kind, email, deliveryId, null, null, String(body, "reason"), String(body, "id"));
    }

    // Postmark's bounce and spam complaint webhooks: RecordType, ID, Type, Email, Description, Details.
    private static ProviderEvent Postmark(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) throw new FormatException("body: must be a JSON object");
        var type = String(body, "Type") ?? throw new FormatException("Type: missing");
        var email = String(body, "Email") ?? throw new FormatException("Email: missing");
        var kind = type switch
        {
            "HardBounce" or "BadEmailAddress" or "ManuallyDeactivated" or "Unknown" => BounceKinds.Hard,
            "SoftBounce" or "Transient" or "DnsError" or "MailboxFull" => BounceKinds.Soft,
            "SpamComplaint" or "SpamNotification" => BounceKinds.Complaint,
            "Blocked" or "ContentRelated" or "VirusNotification" or "ChallengeVerification" => BounceKinds.Blocked,
            "AutoResponder" => BounceKinds.AutoReply,
            _ => BounceKinds.Notice,
        };
        var id = body.TryGetProperty("ID", out var i) ? i.ToString() : null;
        var reason = string.Join(": ", new[] { String(body, "Description"), String(body, "Details") }.Where(t => !string.IsNullOrWhiteSpace(t)));
        return new ProviderEvent(kind, email, null, null, type, reason, id is null ? null : $"{String(body, "RecordType")}:{id}");
    }

    // Mailgun's webhooks: { "signature": {...}, "event-data": { "event", "id", "severity", "recipient", "reason",
    // "delivery-status": { "code", "message", "description" }, "message": { "headers": { "message-id" } } } }
    private static ProviderEvent Mailgun(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("event-data", out var data) || data.ValueKind != JsonValueKind.Object)
            throw new FormatException("event-data: missing");
        var kind = String(data, "event") switch
        {
            "failed" => String(data, "severity") == "permanent" ? BounceKinds.Hard : BounceKinds.Soft,
            "complained" => BounceKinds.Complaint,
            null => throw new FormatException("event-data.event: missing"),
            _ => BounceKinds.Notice,
        };
        string? status = null, reason = String(data, "reason");
        if (data.TryGetProperty("delivery-status", out var delivery) && delivery.ValueKind == JsonValueKind.Object)
        {
            if (delivery.TryGetProperty("code", out var code)) status = code.ToString();
            reason = String(delivery, "message") ?? String(delivery, "description") ?? reason;
        }
        string? messageId = null;
        if (data.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object
            && message.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
            messageId = String(headers, "message-id");
        if (kind == BounceKinds.Hard && BounceKinds.StatusCode(reason) is { } enhanced && enhanced.StartsWith("5.7.", StringComparison.Ordinal))
            kind = BounceKinds.Blocked;
        return new ProviderEvent(kind, String(data, "recipient"), null, messageId, status, reason, String(data, "id"));
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()
        : element.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Number ? value.GetRawText()
        : null;

    /// <summary>A Mailgun signature field (timestamp, token, signature), or empty.</summary>
    public static string MailgunSignatureField(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("signature", out var signature) && signature.ValueKind == JsonValueKind.Object
            ? String(signature, name) ?? ""
            : "";
}
