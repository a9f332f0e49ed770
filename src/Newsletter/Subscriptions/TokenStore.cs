using System.Security.Cryptography;
using System.Text;
using Dapper;
using Newsletter.Storage;

namespace Newsletter.Subscriptions;

/// <summary>
/// Link tokens: 256 bits, handed out in clear text and stored only as their SHA-256, each with one purpose.
/// Manage and unsubscribe tokens are long-lived and derived (see <see cref="LongLived(long, string, DateTimeOffset)"/>), so every digest can carry
/// them without adding rows. Confirmation links live with their email in <see cref="ConfirmationStore"/>.
/// </summary>
public sealed class TokenStore(Database database, ServerSecretStore secrets)
{
    public const string Manage = "manage";
    public const string Unsubscribe = "unsubscribe";
    /// <summary>A reader's private Atom feed of their digests' papers (long-lived, derived like manage).</summary>
    public const string Feed = "feed";

    private const string LinkSecretName = "link-token-key";
    private byte[]? _linkKey;

    /// <summary>
    /// The subscriber's one long-lived token for a purpose (manage or unsubscribe).
    /// </summary>
    /// <remarks>
    /// Issuing fresh tokens for every digest would grow the tokens table by readers × days. Instead the token is
    /// HMAC-SHA256(server key, purpose + subscriber id): the same every time, unguessable without the 256-bit key
    /// (kept in <c>server_secrets</c>, created on first use), and still looked up only through its stored hash, so
    /// neither the id nor the address appears in a URL. One row per subscriber and purpose, removed with the
    /// subscriber; subscriber ids are never reused, so a deleted reader's old links stay dead.
    /// </remarks>
    public string LongLived(long subscriberId, string purpose, DateTimeOffset now) =>
        LongLived([subscriberId], purpose, now)[subscriberId];

    /// <summary>
    /// <see cref="LongLived(long, string, DateTimeOffset)"/> for many subscribers at once (a sending batch): one
    /// read, and one write only for those who have no row yet.
    /// </summary>
    public IReadOnlyDictionary<long, string> LongLived(IReadOnlyCollection<long> subscriberIds, string purpose, DateTimeOffset now) =>
        LongLived(subscriberIds, [purpose], now)[0];

    /// <summary>
    /// <see cref="LongLived(IReadOnlyCollection{long}, string, DateTimeOffset)"/> for several purposes at once, one
    /// dictionary per purpose: still one read and at most one write for all of them.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<long, string>> LongLived(
        IReadOnlyCollection<long> subscriberIds, IReadOnlyList<string> purposes, DateTimeOffset now)
    {
        var ids = subscriberIds.Distinct().ToList();
        // Keyed once for the whole batch rather than once a token.
        using var hmac = new HMACSHA256(LoadKey(now));
        var tokens = purposes.Select(purpose => ids.ToDictionary(id => id, id => DeriveWith(hmac, purpose, id))).ToList();
        if (ids.Count == 0) return tokens;
        var hashes = new Dictionary<string, (long SubscriberId, int Purpose)>(ids.Count * purposes.Count);
        for (var p = 0; p < purposes.Count; p++)
            foreach (var (id, token) in tokens[p]) hashes[Hash(token)] = (id, p);
        using var connection = database.Connect();
        // Every digest carries these links and the rows exist after the first: look before writing, so sending
        // takes no write lock for them (the insert below still settles a race between two first uses).
        // One list parameter (Database.List): a JSON array on SQLite, an array on PostgreSQL.
        var stored = connection.Query<string>(
            database.Dialect(
                sqlite: "SELECT hash FROM tokens WHERE hash IN (SELECT value FROM json_each(@hashes))",
                postgres: "SELECT hash FROM tokens WHERE hash = ANY(@hashes)"),
            new { hashes = database.List(hashes.Keys) }).ToHashSet();
        // By purpose, then in hash order, so two nodes' batches lock the rows they share in the same order; a
        // deadlock or serialization failure PostgreSQL still reports rolls the batch back whole, and it runs again.
        var missing = hashes.Where(h => !stored.Contains(h.Key))
            .OrderBy(h => h.Value.Purpose).ThenBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => new { hash = h.Key, subscriberId = h.Value.SubscriberId, purpose = purposes[h.Value.Purpose], now }).ToList();
        if (missing.Count == 0) return tokens;
        TransientRetry.Run(() =>
        {
            using var transaction = connection.BeginTransaction();
            connection.Execute(
                """
                INSERT INTO tokens (hash, subscriber_id, purpose, created_at, expires_at)
                VALUES (@hash, @subscriberId, @purpose, @now, NULL)
                ON CONFLICT (hash) DO NOTHING
                """,
                missing, transaction);
            transaction.Commit();
        });
        return tokens;
    }

    /// <summary>
    /// HMAC-SHA256(server key, purpose + id) as a URL-safe token: the same for the same input, unguessable without
    /// the key. Long-lived reader tokens and digest archive links are made this way.
    /// </summary>
    public string Derive(string purpose, long id, DateTimeOffset now)
    {
        using var hmac = new HMACSHA256(LoadKey(now));
        return DeriveWith(hmac, purpose, id);
    }

    /// <summary><see cref="Derive"/> with the key already set (a batch keys it once).</summary>
    private static string DeriveWith(HMACSHA256 hmac, string purpose, long id) =>
        Base64Url(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{purpose}:{id}")));

    /// <summary>The subscriber a token belongs to, or why it cannot be used.</summary>
    public TokenLookup Find(string token, string purpose, DateTimeOffset now)
    {
        using var connection = database.Connect();
        var row = connection.QuerySingleOrDefault<TokenRow>(
            """
            SELECT subscriber_id AS SubscriberId, expires_at AS ExpiresAt, used_at AS UsedAt
            FROM tokens WHERE hash = @hash AND purpose = @purpose
            """,
            new { hash = Hash(token), purpose });
        if (row is null) return new TokenLookup(TokenStatus.Unknown, null);
        if (row.UsedAt is not null) return new TokenLookup(TokenStatus.Used, row.SubscriberId);
        if (row.ExpiresAt is { } expires && expires <= now) return new TokenLookup(TokenStatus.Expired, row.SubscriberId);
        return new TokenLookup(TokenStatus.Valid, row.SubscriberId);
    }

    /// <summary>The stored form of a token: its SHA-256 in lower-case hex.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>
    /// Loads the server key, creating it on first use. Call it before a transaction that derives tokens: creating
    /// the key inside one would wait on that transaction's own write lock.
    /// </summary>
    public byte[] LoadKey(DateTimeOffset now) => _linkKey ??= LinkKey(now);

    private byte[] LinkKey(DateTimeOffset now)
    {
        // Add-if-absent then read: two processes starting together agree on the first key written.
        secrets.TryAdd(LinkSecretName, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), now);
        return Convert.FromBase64String(secrets.Find(LinkSecretName)!);
    }

    private sealed class TokenRow
    {
        public long SubscriberId { get; init; }
        public DateTimeOffset? ExpiresAt { get; init; }
        public DateTimeOffset? UsedAt { get; init; }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
