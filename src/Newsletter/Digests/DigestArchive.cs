using System.Security.Cryptography;
using Dapper;
using Newsletter.Storage;
using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>"View in browser" tokens: 256 random bits per rendered digest, stored only as their SHA-256.</summary>
public sealed class DigestArchive(Database database)
{
    /// <summary>Creates a token for a ledger row and returns its clear text.</summary>
    public string Issue(long deliveryId, DateTimeOffset now)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var connection = database.Open();
        connection.Execute(
            "INSERT INTO digest_archive_tokens (hash, delivery_id, created_at) VALUES (@hash, @deliveryId, @now)",
            new { hash = TokenStore.Hash(token), deliveryId, now });
        return token;
    }

    /// <summary>The ledger row a token points at, or null for an unknown token.</summary>
    public long? Find(string token)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<long?>(
            "SELECT delivery_id FROM digest_archive_tokens WHERE hash = @hash", new { hash = TokenStore.Hash(token) });
    }
}
