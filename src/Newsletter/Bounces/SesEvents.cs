using System.Text.Json;
using Newsletter.Delivery;

namespace Newsletter.Bounces;

/// <summary>
/// Reads the SES event inside an SNS notification (<c>notificationType</c> or <c>eventType</c>: <c>Bounce</c>,
/// <c>Complaint</c>; others carry no event) into one <see cref="ProviderEvent"/> per recipient, with what in
/// <c>mail</c> can prove the digest: our signed header in <c>mail.headers</c>, the VERP return path in
/// <c>mail.source</c> or <c>Return-Path</c>. A body that is not SES's JSON throws <see cref="FormatException"/>
/// naming the field.
/// </summary>
public static class SesEvents
{
    /// <summary>The events of one notification; <paramref name="snsMessageId"/> keys them when SES gives no feedback id.</summary>
    public static IReadOnlyList<ProviderEvent> Read(string message, string snsMessageId)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(message);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new FormatException("Message: is not SES's JSON");
        }
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("Message: must be a JSON object");
        var type = Text(root, "notificationType") ?? Text(root, "eventType") ?? throw new FormatException("Message.notificationType: missing");
        var mail = Object(root, "mail");
        var (token, envelopes, messageId) = Proof(mail);
        switch (type)
        {
            case "Bounce":
                var bounce = Object(root, "bounce") ?? throw new FormatException("Message.bounce: missing");
                var bounceType = Text(bounce, "bounceType") ?? throw new FormatException("Message.bounce.bounceType: missing");
                var subType = Text(bounce, "bounceSubType");
                var feedback = Text(bounce, "feedbackId") ?? snsMessageId;
                return Recipients(bounce, "bounce", "bouncedRecipients").Select(r =>
                {
                    var address = Text(r, "emailAddress");
                    var status = Text(r, "status");
                    var diagnostic = Text(r, "diagnosticCode");
                    var kind = Kind(bounceType, subType, Text(r, "action"), status ?? BounceKinds.StatusCode(diagnostic));
                    var reason = string.Join(": ", new[] { $"{bounceType}/{subType}", diagnostic }.Where(t => !string.IsNullOrWhiteSpace(t)));
                    return new ProviderEvent(kind, address, null, messageId, status, reason, $"{feedback}:{address?.ToLowerInvariant()}", token, envelopes);
                }).ToArray();
            case "Complaint":
                var complaint = Object(root, "complaint") ?? throw new FormatException("Message.complaint: missing");
                var feedbackType = Text(complaint, "complaintFeedbackType");
                var complaintId = Text(complaint, "feedbackId") ?? snsMessageId;
                // "not-spam" is a reader taking a message out of their spam folder: the opposite of a complaint.
                var complaintKind = feedbackType == "not-spam" ? BounceKinds.Notice : BounceKinds.Complaint;
                return Recipients(complaint, "complaint", "complainedRecipients").Select(r =>
                {
                    var address = Text(r, "emailAddress");
                    return new ProviderEvent(complaintKind, address, null, messageId, null, "complaint" + (feedbackType is null ? "" : ": " + feedbackType),
                        $"{complaintId}:{address?.ToLowerInvariant()}", token, envelopes);
                }).ToArray();
            default:
                // Deliveries, sends, opens and SES's own test notification say nothing about a reader's address.
                return [];
        }
    }

    private static string Kind(string bounceType, string? subType, string? action, string? status)
    {
        // Rejected content is about our message, not the reader's address.
        if (subType is "ContentRejected" or "AttachmentRejected") return BounceKinds.Blocked;
        return bounceType switch
        {
            "Permanent" => status?.StartsWith("5.7.", StringComparison.Ordinal) == true ? BounceKinds.Blocked : BounceKinds.Hard,
            "Transient" => BounceKinds.Soft,
            _ => status is null ? BounceKinds.Notice : BounceKinds.FromReport(action ?? "failed", status),
        };
    }

    private static (string? Token, IReadOnlyList<string> Envelopes, string? MessageId) Proof(JsonElement? mail)
    {
        if (mail is not { } m) return (null, [], null);
        string? token = null, messageId = null;
        var envelopes = new List<string>();
        if (Text(m, "source") is { } source) envelopes.Add(source);
        if (m.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Array)
        {
            foreach (var header in headers.EnumerateArray().Take(200))
            {
                if (header.ValueKind != JsonValueKind.Object) continue;
                var name = Text(header, "name");
                var value = Text(header, "value");
                if (value is null) continue;
                if (string.Equals(name, BounceAddress.HeaderName, StringComparison.OrdinalIgnoreCase)) token ??= value;
                else if (string.Equals(name, "Return-Path", StringComparison.OrdinalIgnoreCase)) envelopes.Add(value);
                else if (string.Equals(name, "Message-ID", StringComparison.OrdinalIgnoreCase)) messageId ??= value;
            }
        }
        if (messageId is null && Object(m, "commonHeaders") is { } common) messageId = Text(common, "messageId");
        return (token, envelopes, messageId);
    }

    private static IEnumerable<JsonElement> Recipients(JsonElement parent, string parentName, string name) =>
        parent.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.Object).Take(100)
            : throw new FormatException($"Message.{parentName}.{name}: missing");

    private static JsonElement? Object(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
