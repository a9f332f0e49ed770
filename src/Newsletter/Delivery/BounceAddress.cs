using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using Newsletter.Subscriptions;

namespace Newsletter.Delivery;

/// <summary>
/// The signed ledger-row token every digest carries twice: in its VERP envelope sender
/// (<c>bounces+&lt;id&gt;-&lt;tag&gt;@example.org</c>) and in the <c>X-Newsletter-Delivery</c> header. The tag is an
/// HMAC of the id under the server's link key, so a bounce that shows it proves it is about mail we sent; a
/// stranger cannot name another reader's row.
/// </summary>
public sealed class BounceAddress(TokenStore tokens, IOptions<DeliveryOptions> options, TimeProvider clock)
{
    /// <summary>The header that carries the token in every digest.</summary>
    public const string HeaderName = "X-Newsletter-Delivery";

    /// <summary>The token for a ledger row: its id, a dash, and 16 hex digits of HMAC (lower case survives any MTA).</summary>
    public string Token(long deliveryId)
    {
        var key = tokens.LoadKey(clock.GetUtcNow());
        var tag = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes("bounce:" + deliveryId.ToString(CultureInfo.InvariantCulture)));
        return deliveryId.ToString(CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(tag)[..16];
    }

    /// <summary>The ledger row a token names, or null when it is malformed or its tag is wrong.</summary>
    public long? ReadToken(string? token)
    {
        token = token?.Trim().Trim('<', '>');
        if (string.IsNullOrEmpty(token) || token.Length > 64) return null;
        var dash = token.IndexOf('-');
        if (dash <= 0 || !long.TryParse(token.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return null;
        var expected = Encoding.ASCII.GetBytes(Token(id));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(token.ToLowerInvariant())) ? id : null;
    }

    /// <summary>The VERP envelope sender for a row, or null when <c>Delivery:ReturnPath</c> is not set.</summary>
    public MailboxAddress? ReturnPathFor(long deliveryId)
    {
        if (Configured() is not { } address) return null;
        var at = address.LastIndexOf('@');
        return new MailboxAddress("", $"{address[..at]}+{Token(deliveryId)}{address[at..]}");
    }

    /// <summary>The ledger row a VERP address (<c>bounces+&lt;token&gt;@domain</c>) names, or null.</summary>
    public long? ReadAddress(string? candidate)
    {
        if (Configured() is not { } address || string.IsNullOrWhiteSpace(candidate)) return null;
        candidate = candidate.Trim().Trim('<', '>');
        var at = address.LastIndexOf('@');
        var local = address[..at] + "+";
        var domain = address[at..];
        if (!candidate.StartsWith(local, StringComparison.OrdinalIgnoreCase) || !candidate.EndsWith(domain, StringComparison.OrdinalIgnoreCase)
            || candidate.Length <= local.Length + domain.Length)
            return null;
        return ReadToken(candidate[local.Length..^domain.Length]);
    }

    private string? Configured()
    {
        var configured = options.Value.ReturnPath;
        return string.IsNullOrWhiteSpace(configured) ? null : MailboxAddress.Parse(configured).Address;
    }
}
