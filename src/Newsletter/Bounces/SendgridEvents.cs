using System.Text.Json;
using Newsletter.Delivery;

namespace Newsletter.Bounces;

/// <summary>
/// Reads SendGrid's event webhook (a JSON array of events) into <see cref="ProviderEvent"/>s: <c>bounce</c>
/// (<c>type</c> <c>bounce</c> hard, <c>blocked</c> blocked), <c>dropped</c> (a bounced or invalid address hard, a
/// spam-reporting one a complaint), <c>spamreport</c>; the rest carry no event. Our row is named by the custom
/// argument <see cref="TokenArgument"/> (the signed token), else by our Message-ID in <c>smtp-id</c>.
/// </summary>
public static class SendgridEvents
{
    /// <summary>The custom (unique) argument that carries our signed row token.</summary>
    public const string TokenArgument = "newsletter_delivery";

    public static IReadOnlyList<ProviderEvent> Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Array) throw new FormatException("body: must be a JSON array of events");
        var events = new List<ProviderEvent>();
        var i = 0;
        foreach (var e in body.EnumerateArray().Take(1000))
        {
            if (e.ValueKind != JsonValueKind.Object) throw new FormatException($"[{i}]: must be an event object");
            var name = Text(e, "event") ?? throw new FormatException($"[{i}].event: missing");
            var reason = Text(e, "reason");
            var status = Text(e, "status");
            string? kind = name switch
            {
                "bounce" => Text(e, "type") == "blocked" ? BounceKinds.Blocked
                    : BounceKinds.StatusCode(status ?? reason) is { } code && code.StartsWith("5.7.", StringComparison.Ordinal) ? BounceKinds.Blocked
                    : BounceKinds.Hard,
                "dropped" => reason switch
                {
                    "Bounced Address" or "Invalid" => BounceKinds.Hard,
                    "Spam Reporting Address" => BounceKinds.Complaint,
                    _ => BounceKinds.Notice,
                },
                "spamreport" => BounceKinds.Complaint,
                _ => null,
            };
            if (kind is not null)
            {
                var address = Text(e, "email") ?? throw new FormatException($"[{i}].email: missing");
                var id = Text(e, "sg_event_id");
                var token = Text(e, TokenArgument) ?? (e.TryGetProperty("unique_args", out var args) && args.ValueKind == JsonValueKind.Object ? Text(args, TokenArgument) : null);
                events.Add(new ProviderEvent(kind, address, null, Text(e, "smtp-id"), status, string.Join(": ", new[] { name, reason }.Where(t => !string.IsNullOrWhiteSpace(t))),
                    id, token));
            }
            i++;
        }
        return events;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
