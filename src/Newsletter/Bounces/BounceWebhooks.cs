using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Newsletter.Delivery;
using Newsletter.Digests;

namespace Newsletter.Bounces;

/// <summary>
/// The providers' webhooks: which are on, whether a call carries the provider's credential, and recording its
/// events through the policy. A provider signs what it sends, so its events change readers whether they name a
/// ledger row, our Message-ID or only the address.
/// </summary>
public sealed class BounceWebhooks(IOptions<BounceOptions> options, BounceMatcher matcher, DeliveryStore ledger, BouncePolicy policy, TimeProvider clock)
{
    public const string Generic = "generic";
    public const string Postmark = "postmark";
    public const string Mailgun = "mailgun";

    /// <summary>True when the provider is known and has its credential set.</summary>
    public bool IsOn(string provider)
    {
        var w = options.Value.Webhooks;
        return provider switch
        {
            Generic => w.Generic.Secret.Length > 0,
            Postmark => w.Postmark.User.Length > 0 && w.Postmark.Password.Length > 0,
            Mailgun => w.Mailgun.SigningKey.Length > 0,
            _ => false,
        };
    }

    /// <summary>
    /// True when the call carries the provider's credential: generic the shared secret (<c>Authorization: Bearer</c>
    /// or <c>X-Webhook-Secret</c>), Postmark basic auth, Mailgun an HMAC-SHA256 of timestamp and token under the
    /// signing key. Compared in fixed time.
    /// </summary>
    public bool Authenticate(string provider, IHeaderDictionary headers, JsonElement? body)
    {
        var w = options.Value.Webhooks;
        switch (provider)
        {
            case Generic:
                var authorization = headers.Authorization.ToString();
                var given = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : headers["X-Webhook-Secret"].ToString();
                return SameText(given, w.Generic.Secret);
            case Postmark:
                var basic = headers.Authorization.ToString();
                if (!basic.StartsWith("Basic ", StringComparison.Ordinal)) return false;
                string decoded;
                try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(basic[6..].Trim())); }
                catch (FormatException) { return false; }
                return SameText(decoded, $"{w.Postmark.User}:{w.Postmark.Password}");
            case Mailgun:
                if (body is not { } json) return false;
                var timestamp = WebhookReader.MailgunSignatureField(json, "timestamp");
                var token = WebhookReader.MailgunSignatureField(json, "token");
                var signature = WebhookReader.MailgunSignatureField(json, "signature");
                if (timestamp.Length == 0 || token.Length == 0) return false;
                var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(w.Mailgun.SigningKey), Encoding.UTF8.GetBytes(timestamp + token)));
                return SameText(signature.ToLowerInvariant(), expected);
            default:
                return false;
        }
    }

    /// <summary>Matches and records the events of one authenticated call; returns the outcomes.</summary>
    public IReadOnlyList<BounceOutcome> Record(string provider, IReadOnlyList<ProviderEvent> events, byte[] body)
    {
        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var outcomes = new List<BounceOutcome>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var match = e.DeliveryId is { } id && ledger.Find(id) is { } row ? new BounceMatch(row.SubscriberId, row.Id, BounceMatches.Provider)
                : e.MessageId is { } messageId && ledger.FindByMessageId(messageId) is { } sent ? new BounceMatch(sent.SubscriberId, sent.Id, BounceMatches.Provider)
                : matcher.ByAddress(e.Address, BounceMatches.Provider);
            outcomes.Add(policy.Record(new BounceEvent
            {
                SubscriberId = match.SubscriberId, DeliveryId = match.DeliveryId, Kind = e.Kind, Status = e.Status, Diagnostic = e.Reason,
                Recipient = e.Address, Source = BounceSources.Webhook(provider), MatchedBy = match.MatchedBy,
                // A retried call carries the same event id (or the same body): it counts once.
                DedupeKey = $"webhook:{provider}:" + (e.EventId ?? $"sha256:{bodyHash}#{i}"),
                ReceivedAt = clock.GetUtcNow(),
            }));
        }
        return outcomes;
    }

    private static bool SameText(string given, string expected) =>
        expected.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
