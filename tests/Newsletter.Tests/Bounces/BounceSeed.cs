using Dapper;
using Newsletter.Delivery;
using Newsletter.Storage;
using Newsletter.Tests.Delivery;

namespace Newsletter.Tests.Bounces;

/// <summary>Readers with digests already handed to the server, for the bounce tests.</summary>
internal static class BounceSeed
{
    /// <summary>Adds one confirmed reader with <paramref name="digests"/> sent digests; returns their ledger row ids, oldest first.</summary>
    public static IReadOnlyList<long> SentDigests(string path, int reader, int digests)
    {
        var ids = new List<long>();
        for (var d = 0; d < digests; d++)
        {
            LedgerSeed.Readers(path, 1, period: $"daily:2026-11-{10 + d:00}", first: reader);
            using var connection = new Database(path).Open();
            ids.Add(connection.ExecuteScalar<long>(
                """
                UPDATE deliveries SET state = 'sent', sent_at = created_at, server_reply = '250 ok'
                WHERE id = (SELECT MAX(id) FROM deliveries) RETURNING id
                """));
        }
        return ids;
    }

    public static long SubscriberOf(string path, long deliveryId)
    {
        using var connection = new Database(path).Open();
        return connection.ExecuteScalar<long>("SELECT subscriber_id FROM deliveries WHERE id = @deliveryId", new { deliveryId });
    }

    public static (string State, string? Reason) Reader(string path, int reader)
    {
        using var connection = new Database(path).Open();
        return connection.QuerySingle<(string, string?)>(
            "SELECT state, state_reason FROM subscribers WHERE email = @email", new { email = LedgerSeed.Email(reader) });
    }

    public static BounceEvent Event(string path, long deliveryId, string kind, string key, string matchedBy = BounceMatches.Verp) => new()
    {
        SubscriberId = SubscriberOf(path, deliveryId), DeliveryId = deliveryId, Kind = kind, Status = kind == BounceKinds.Hard ? "5.1.1" : "4.2.2",
        Diagnostic = "smtp; 550 5.1.1 <x>: Recipient address rejected", Source = BounceSources.Mailbox, MatchedBy = matchedBy,
        DedupeKey = key, ReceivedAt = DateTimeOffset.UtcNow,
    };
}
