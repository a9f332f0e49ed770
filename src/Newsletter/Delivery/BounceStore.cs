using Dapper;
using Newsletter.Storage;

namespace Newsletter.Delivery;

/// <summary>
/// The <c>bounce_events</c> table and its one writer: every bounce and complaint from every way in. It lives with
/// the ledger (not in Bounces/) because the SMTP session's refusals are recorded here too.
/// </summary>
public sealed class BounceStore(Database database)
{
    private const string Columns = """
        b.id, b.subscriber_id AS SubscriberId, b.delivery_id AS DeliveryId, b.kind, b.status, b.diagnostic, b.recipient,
        b.remote_mta AS RemoteMta, b.source, b.matched_by AS MatchedBy, b.dedupe_key AS DedupeKey, b.received_at AS ReceivedAt
        """;

    /// <summary>Records an event; false when one with the same dedupe key is already there (nothing is written).</summary>
    public bool Record(BounceEvent e)
    {
        using var connection = database.Connect();
        return connection.Execute(
            """
            INSERT INTO bounce_events (subscriber_id, delivery_id, kind, status, diagnostic, recipient, remote_mta, source,
                                       matched_by, dedupe_key, received_at)
            VALUES (@SubscriberId, @DeliveryId, @Kind, @Status, @Diagnostic, @Recipient, @RemoteMta, @Source,
                    @MatchedBy, @DedupeKey, @ReceivedAt)
            ON CONFLICT (dedupe_key) DO NOTHING
            """,
            new
            {
                e.SubscriberId, e.DeliveryId, e.Kind, Status = Cap(e.Status, 64), Diagnostic = Cap(e.Diagnostic, 1000),
                Recipient = Cap(e.Recipient, 320), RemoteMta = Cap(e.RemoteMta, 255), e.Source, e.MatchedBy,
                e.DedupeKey, e.ReceivedAt,
            }) == 1;
    }

    /// <summary>The event stored under a dedupe key, or null.</summary>
    public BounceEvent? Find(string dedupeKey)
    {
        using var connection = database.Connect();
        return connection.QuerySingleOrDefault<BounceEvent>(
            $"SELECT {Columns} FROM bounce_events b WHERE b.dedupe_key = @dedupeKey", new { dedupeKey });
    }

    /// <summary>
    /// Hard bounces that prove themselves (see <see cref="BounceMatches.Proves"/>) against a reader since they last
    /// confirmed: confirming again starts the count afresh.
    /// </summary>
    public int HardSinceConfirmed(long subscriberId)
    {
        using var connection = database.Connect();
        return connection.ExecuteScalar<int>(
            """
            SELECT COUNT(*) FROM bounce_events b JOIN subscribers s ON s.id = b.subscriber_id
            WHERE b.subscriber_id = @subscriberId AND b.kind = 'hard'
              AND b.matched_by IN ('smtp', 'verp', 'header', 'provider')
              AND (s.confirmed_at IS NULL OR b.received_at >= s.confirmed_at)
            """,
            new { subscriberId });
    }

    /// <summary>
    /// Of the reader's last <paramref name="digests"/> digests handed to the server since they last confirmed, how
    /// many soft-bounced (a digest delivered without a bounce is one of them and counts zero).
    /// </summary>
    public int SoftOfLastDigests(long subscriberId, int digests)
    {
        using var connection = database.Connect();
        return connection.ExecuteScalar<int>(
            """
            SELECT COUNT(*) FROM (
                SELECT d.id FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id
                WHERE d.subscriber_id = @subscriberId AND d.state IN ('sent', 'failed', 'unknown')
                  AND (s.confirmed_at IS NULL OR d.created_at >= s.confirmed_at)
                ORDER BY d.id DESC LIMIT @digests) last
            WHERE EXISTS (SELECT 1 FROM bounce_events b
                          WHERE b.delivery_id = last.id AND b.kind = 'soft' AND b.matched_by IN ('smtp', 'verp', 'header', 'provider'))
            """,
            new { subscriberId, digests });
    }

    /// <summary>A reader's events, oldest first (their data export, the deliveries listing).</summary>
    public IReadOnlyList<BounceEvent> ForSubscriber(long subscriberId)
    {
        using var connection = database.Connect();
        return connection.Query<BounceEvent>(
            $"SELECT {Columns} FROM bounce_events b WHERE b.subscriber_id = @subscriberId ORDER BY b.id", new { subscriberId }).ToList();
    }

    /// <summary>The events tied to these ledger rows, by row.</summary>
    public ILookup<long, BounceEvent> ForDeliveries(IReadOnlyCollection<long> deliveryIds)
    {
        if (deliveryIds.Count == 0) return Array.Empty<BounceEvent>().ToLookup(e => 0L);
        using var connection = database.Connect();
        // One list parameter (Database.List): a JSON array on SQLite, an array on PostgreSQL.
        return connection.Query<BounceEvent>(
                database.Dialect(
                    sqlite: $"SELECT {Columns} FROM bounce_events b WHERE b.delivery_id IN (SELECT value FROM json_each(@deliveryIds)) ORDER BY b.id",
                    postgres: $"SELECT {Columns} FROM bounce_events b WHERE b.delivery_id = ANY(@deliveryIds) ORDER BY b.id"),
                new { deliveryIds = database.List(deliveryIds) })
            .ToLookup(e => e.DeliveryId!.Value);
    }

    /// <summary>The newest events (of one kind, when given), newest first, with the reader's address.</summary>
    public IReadOnlyList<BounceEvent> Recent(string? kind, int limit)
    {
        using var connection = database.Connect();
        return connection.Query<BounceEvent>(
            $"""
            SELECT {Columns}, s.email AS Email FROM bounce_events b LEFT JOIN subscribers s ON s.id = b.subscriber_id
            WHERE @kind IS NULL OR b.kind = @kind
            ORDER BY b.id DESC LIMIT @limit
            """,
            new { kind, limit }).ToList();
    }

    /// <summary>Events per kind received at or after <paramref name="since"/>.</summary>
    public IReadOnlyDictionary<string, int> CountsByKind(DateTimeOffset since)
    {
        using var connection = database.Connect();
        return connection.Query<(string Kind, int Count)>(
                "SELECT kind, COUNT(*) FROM bounce_events WHERE received_at >= @since GROUP BY kind", new { since })
            .ToDictionary(r => r.Kind, r => r.Count);
    }

    /// <summary>Digests handed to the server at or after <paramref name="since"/>: the denominator of the complaint rate.</summary>
    public int SentSince(DateTimeOffset since)
    {
        using var connection = database.Connect();
        return connection.ExecuteScalar<int>("SELECT COUNT(*) FROM deliveries WHERE state = 'sent' AND sent_at >= @since", new { since });
    }

    private static string? Cap(string? text, int length) =>
        text is null ? null : (text.Length <= length ? text : text[..length]).ReplaceLineEndings(" ");
}
