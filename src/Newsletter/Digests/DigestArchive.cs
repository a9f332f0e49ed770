using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>
/// "View in browser" tokens. A token is the ledger row's id and an HMAC of it under the server's link key
/// (<see cref="TokenStore.Derive"/>): the same for every attempt at the same row, unguessable, and checked without
/// a table, so sending a digest writes nothing for it. Tokens issued before (random, stored as their SHA-256 in
/// <c>digest_archive_tokens</c>, <see cref="ArchiveTokenStore"/>) still open their pages.
/// </summary>
public sealed class DigestArchive(ArchiveTokenStore legacy, TokenStore tokens, TimeProvider clock)
{
    private const string Purpose = "archive";

    /// <summary>The token of a ledger row's archive page.</summary>
    public string Token(long deliveryId) =>
        deliveryId.ToString(CultureInfo.InvariantCulture) + "." + tokens.Derive(Purpose, deliveryId, clock.GetUtcNow());

    /// <summary>The ledger row a token points at, or null for an unknown or forged token.</summary>
    public long? Find(string token)
    {
        var dot = token.IndexOf('.');
        if (dot > 0)
        {
            if (!long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return null;
            var expected = Encoding.ASCII.GetBytes(Token(id));
            var given = Encoding.ASCII.GetBytes(token);
            return CryptographicOperations.FixedTimeEquals(expected, given) ? id : null;
        }
        return legacy.Find(TokenStore.Hash(token));
    }
}
