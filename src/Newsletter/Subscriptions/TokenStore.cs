using System.Security.Cryptography;
using System.Text;
using Dapper;
using Newsletter.Storage;

namespace Newsletter.Subscriptions;

/// <summary>
/// Link tokens: 256 random bits, handed out once and stored only as their SHA-256, each with one purpose.
/// </summary>
public sealed class TokenStore(Database database)
{
    public const string Confirm = "confirm";
    public const string Manage = "manage";
    public const string Unsubscribe = "unsubscribe";

    /// <summary>Creates a token and returns its clear text (which is never stored).</summary>
    public string Issue(long subscriberId, string purpose, DateTimeOffset now, DateTimeOffset? expiresAt)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        using var connection = database.Open();
        connection.Execute(
            """
            INSERT INTO tokens (hash, subscriber_id, purpose, created_at, expires_at)
            VALUES (@hash, @subscriberId, @purpose, @now, @expiresAt)
            """,
            new { hash = Hash(token), subscriberId, purpose, now, expiresAt });
        return token;
    }

    /// <summary>The subscriber a token belongs to, or why it cannot be used.</summary>
    public TokenLookup Find(string token, string purpose, DateTimeOffset now)
    {
        using var connection = database.Open();
        var row = connection.QuerySingleOrDefault<TokenRow>(
            "SELECT subscriber_id AS SubscriberId, expires_at AS ExpiresAt FROM tokens WHERE hash = @hash AND purpose = @purpose",
            new { hash = Hash(token), purpose });
        if (row is null) return new TokenLookup(TokenStatus.Unknown, null);
        if (row.ExpiresAt is { } expires && expires <= now) return new TokenLookup(TokenStatus.Expired, row.SubscriberId);
        return new TokenLookup(TokenStatus.Valid, row.SubscriberId);
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private sealed class TokenRow
    {
        public long SubscriberId { get; init; }
        public DateTimeOffset? ExpiresAt { get; init; }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public enum TokenStatus { Valid, Expired, Unknown }

/// <summary>The result of looking a token up.</summary>
public sealed record TokenLookup(TokenStatus Status, long? SubscriberId);
