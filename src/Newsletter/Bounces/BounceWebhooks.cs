using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Newsletter.Delivery;
using Newsletter.Digests;

namespace Newsletter.Bounces;

/// <summary>
/// The providers' webhooks: which are on, whether a call carries the provider's credential, and recording its
/// events through the policy. Our signed token (a custom argument, a header SES hands back) or VERP return path
/// proves the row for any provider. Generic, Postmark, Mailgun and SendGrid sign with a secret of our account, so
/// their events change readers also when they name only our Message-ID or the address; SES's signature proves only
/// that Amazon sent it, and a topic carries every message of the account, so there only the token or the return path
/// changes a reader (see <see cref="Trusts"/>).
/// </summary>
public sealed class BounceWebhooks(
    IOptions<BounceOptions> options, BounceMatcher matcher, BounceAddress tokens, DeliveryStore ledger, BouncePolicy policy, TimeProvider clock)
{
    public const string Generic = "generic";
    public const string Postmark = "postmark";
    public const string Mailgun = "mailgun";
    public const string Ses = "ses";
    public const string Sendgrid = "sendgrid";

    /// <summary>SendGrid's signature and timestamp headers.</summary>
    public const string SendgridSignatureHeader = "X-Twilio-Email-Event-Webhook-Signature";
    public const string SendgridTimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";

    /// <summary>True when the provider is known and has its credential set.</summary>
    public bool IsOn(string provider)
    {
        var w = options.Value.Webhooks;
        return provider switch
        {
            Generic => w.Generic.Secret.Length > 0,
            Postmark => w.Postmark.User.Length > 0 && w.Postmark.Password.Length > 0,
            Mailgun => w.Mailgun.SigningKey.Length > 0,
            Ses => w.Ses.TopicArn.Length > 0,
            Sendgrid => w.Sendgrid.PublicKey.Length > 0,
            _ => false,
        };
    }

    /// <summary>
    /// True when the call carries the provider's credential: generic the shared secret (<c>Authorization: Bearer</c>
    /// or <c>X-Webhook-Secret</c>), Postmark basic auth, Mailgun an HMAC-SHA256 of timestamp and token under the
    /// signing key, SendGrid an ECDSA P-256 signature of timestamp and raw body under its public key. Secrets are
    /// compared in fixed time; a signed timestamp further than <see cref="WebhookOptions.MaxSignatureAge"/> from now
    /// is a replay. SES is checked by <see cref="SesWebhook"/>.
    /// </summary>
    public bool Authenticate(string provider, IHeaderDictionary headers, JsonElement? body, byte[] raw)
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
                return SameText(signature.ToLowerInvariant(), expected) && Fresh(timestamp);
            case Sendgrid:
                var stamp = headers[SendgridTimestampHeader].ToString();
                var signed = headers[SendgridSignatureHeader].ToString();
                if (stamp.Length == 0 || signed.Length == 0 || !Fresh(stamp)) return false;
                try
                {
                    using var key = ECDsa.Create();
                    key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(w.Sendgrid.PublicKey), out _);
                    byte[] signedData = [.. Encoding.UTF8.GetBytes(stamp), .. raw];
                    return key.VerifyData(signedData, Convert.FromBase64String(signed),
                        HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
                }
                catch (FormatException) { return false; }
                catch (CryptographicException) { return false; }
            default:
                return false;
        }
    }

    /// <summary>
    /// True when the provider's signature proves that an event naming only our Message-ID or an address is about our
    /// mail: every provider whose credential is a secret of our account; not SES (see the class summary).
    /// </summary>
    public static bool Trusts(string provider) => provider != Ses;

    /// <summary>Matches and records the events of one authenticated call; returns the outcomes.</summary>
    public IReadOnlyList<BounceOutcome> Record(string provider, IReadOnlyList<ProviderEvent> events, byte[] body)
    {
        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var outcomes = new List<BounceOutcome>();
        var trusted = Trusts(provider);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var verp = e.Envelopes?.Select(tokens.ReadAddress).FirstOrDefault(v => v is not null);
            var match = tokens.ReadToken(e.Token) is { } signed && ledger.Find(signed) is { } tokenRow ? new BounceMatch(tokenRow.SubscriberId, tokenRow.Id, BounceMatches.Header)
                : verp is { } returned && ledger.Find(returned) is { } verpRow ? new BounceMatch(verpRow.SubscriberId, verpRow.Id, BounceMatches.Verp)
                : e.DeliveryId is { } id && ledger.Find(id) is { } row ? new BounceMatch(row.SubscriberId, row.Id, BounceMatches.Provider)
                : e.MessageId is { } messageId && ledger.FindByMessageId(messageId) is { } sent
                    ? new BounceMatch(sent.SubscriberId, sent.Id, trusted ? BounceMatches.Provider : BounceMatches.MessageId)
                : matcher.ByAddress(e.Address, trusted ? BounceMatches.Provider : BounceMatches.Address);
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

    private bool Fresh(string unixSeconds) =>
        long.TryParse(unixSeconds, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
        && seconds < 100_000_000_000
        && (clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() <= WebhookOptions.MaxSignatureAge;

    private static bool SameText(string given, string expected) =>
        expected.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
