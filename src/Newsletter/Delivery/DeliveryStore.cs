using System.Text.Json;
using Dapper;
using Newsletter.Storage;

namespace Newsletter.Delivery;

/// <summary>The delivery ledger: every digest planned, claimed, sent, retried or given up on.</summary>
public sealed class DeliveryStore(Database database)
{
    private const string Columns = """
        id, subscriber_id AS SubscriberId, period_key AS PeriodKey, state, attempts, message_id AS MessageId,
        window_from AS WindowFrom, window_to AS WindowTo, items_json AS ItemsJson, created_at AS CreatedAt,
        last_error AS LastError, server_reply AS ServerReply, sent_at AS SentAt
        """;

    /// <summary>
    /// Records a planned digest and advances the reader's window in one transaction. The reader's due time is the
    /// guard: if another planner already moved it, nothing happens. Returns true when this call planned it.
    /// </summary>
    public bool Plan(PlannedDigest digest, string messageIdDomain, bool createRow, DateTimeOffset now)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var advanced = connection.Execute(
            """
            UPDATE subscribers SET last_seq = @LastSeq, next_due_at = @NextDueAt
            WHERE id = @SubscriberId AND state = 'confirmed' AND next_due_at = @PreviousDueAt
            """,
            digest, transaction);
        if (advanced == 0) return false;
        if (createRow)
        {
            connection.Execute(
                """
                INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, window_from, window_to, items_json)
                VALUES (@SubscriberId, @PeriodKey, 'pending', @now, @messageId, @WindowFrom, @WindowTo, @itemsJson)
                ON CONFLICT (subscriber_id, period_key) DO NOTHING
                """,
                new
                {
                    digest.SubscriberId, digest.PeriodKey, now, digest.WindowFrom, digest.WindowTo,
                    messageId = MessageIdFor(digest.SubscriberId, digest.PeriodKey, messageIdDomain),
                    itemsJson = JsonSerializer.Serialize(digest.Items),
                },
                transaction);
        }
        transaction.Commit();
        return true;
    }

    /// <summary>
    /// Atomically takes up to <paramref name="limit"/> rows that are pending or due for retry by
    /// <paramref name="at"/>, leasing them to <paramref name="owner"/> until <paramref name="leaseUntil"/>.
    /// </summary>
    public IReadOnlyList<DeliveryRow> Claim(string owner, DateTimeOffset at, DateTimeOffset leaseUntil, int limit)
    {
        using var connection = database.Open();
        return connection.Query<DeliveryRow>(
            $"""
            UPDATE deliveries SET state = 'sending', lease_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM deliveries
                WHERE state = 'pending' OR (state = 'retry' AND next_attempt_at <= @at)
                ORDER BY id
                LIMIT @limit)
            RETURNING {Columns}
            """,
            new { owner, at, leaseUntil, limit }).OrderBy(r => r.Id).ToList();
    }

    public void MarkSent(long id, string serverReply, DateTimeOffset at)
    {
        using var connection = database.Open();
        connection.Execute(
            """
            UPDATE deliveries SET state = 'sent', server_reply = @serverReply, sent_at = @at, lease_until = NULL, last_error = NULL
            WHERE id = @id AND state = 'sending'
            """,
            new { id, serverReply, at });
    }

    public void MarkRetry(long id, string error, DateTimeOffset nextAttemptAt)
    {
        using var connection = database.Open();
        connection.Execute(
            """
            UPDATE deliveries SET state = 'retry', last_error = @error, next_attempt_at = @nextAttemptAt, lease_until = NULL
            WHERE id = @id AND state = 'sending'
            """,
            new { id, error, nextAttemptAt });
    }

    /// <summary>Ends a row as <c>failed</c> (refused for good) or <c>unknown</c> (the server may have it).</summary>
    public void MarkFinal(long id, string state, string error)
    {
        using var connection = database.Open();
        connection.Execute(
            "UPDATE deliveries SET state = @state, last_error = @error, lease_until = NULL WHERE id = @id AND state = 'sending'",
            new { id, state, error });
    }

    /// <summary>Rows left in <c>sending</c> by a process that died (lease expired) become <c>unknown</c>.</summary>
    public int RecoverAbandoned(DateTimeOffset at)
    {
        using var connection = database.Open();
        return connection.Execute(
            """
            UPDATE deliveries SET state = 'unknown', last_error = 'the sending process stopped before recording the result',
                                  lease_until = NULL
            WHERE state = 'sending' AND lease_until < @at
            """,
            new { at });
    }

    public DeliveryRow? Find(long id)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<DeliveryRow>($"SELECT {Columns} FROM deliveries WHERE id = @id", new { id });
    }

    public IReadOnlyList<DeliveryRow> ForSubscriber(long subscriberId)
    {
        using var connection = database.Open();
        return connection.Query<DeliveryRow>(
            $"SELECT {Columns} FROM deliveries WHERE subscriber_id = @subscriberId ORDER BY id", new { subscriberId }).ToList();
    }

    /// <summary>The frozen items of a row.</summary>
    public static IReadOnlyList<DigestItem> Items(DeliveryRow row) =>
        JsonSerializer.Deserialize<List<DigestItem>>(row.ItemsJson) ?? [];

    /// <summary>A Message-ID derived from the ledger key, so every attempt of one digest carries the same one.</summary>
    public static string MessageIdFor(long subscriberId, string periodKey, string domain) =>
        $"digest.{subscriberId}.{periodKey.Replace(':', '.')}@{domain}";
}
