using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
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
        Plan([digest], messageIdDomain, sendEmpty: createRow, now, out var advanced);
        return advanced == 1;
    }

    /// <summary>
    /// Records many planned digests in one transaction: for each, advances the reader's window (guarded by their
    /// previous due time, so a concurrent or repeated run changes nothing) and, when it has papers or
    /// <paramref name="sendEmpty"/> is set, inserts its ledger row. Returns the number of ledger rows created.
    /// </summary>
    public int Plan(IReadOnlyList<PlannedDigest> digests, string messageIdDomain, bool sendEmpty, DateTimeOffset now, out int advanced)
    {
        advanced = 0;
        if (digests.Count == 0) return 0;
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        // Prepared commands reused for every row: a planning run writes up to one row per reader, so per-row
        // overhead matters more here than anywhere else.
        using var advance = connection.CreateCommand();
        advance.Transaction = transaction;
        advance.CommandText = """
            UPDATE subscribers SET last_seq = $lastSeq, next_due_at = $nextDueAt
            WHERE id = $subscriberId AND state = 'confirmed' AND next_due_at = $previousDueAt
            """;
        var aLastSeq = advance.Parameters.Add("$lastSeq", SqliteType.Integer);
        var aNext = advance.Parameters.Add("$nextDueAt", SqliteType.Text);
        var aId = advance.Parameters.Add("$subscriberId", SqliteType.Integer);
        var aPrevious = advance.Parameters.Add("$previousDueAt", SqliteType.Text);
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, window_from, window_to, items_json)
            VALUES ($subscriberId, $periodKey, 'pending', $now, $messageId, $windowFrom, $windowTo, $itemsJson)
            ON CONFLICT (subscriber_id, period_key) DO NOTHING
            """;
        var iId = insert.Parameters.Add("$subscriberId", SqliteType.Integer);
        var iPeriod = insert.Parameters.Add("$periodKey", SqliteType.Text);
        insert.Parameters.AddWithValue("$now", UtcTimestampHandler.ToText(now));
        var iMessageId = insert.Parameters.Add("$messageId", SqliteType.Text);
        var iFrom = insert.Parameters.Add("$windowFrom", SqliteType.Text);
        var iTo = insert.Parameters.Add("$windowTo", SqliteType.Text);
        var iItems = insert.Parameters.Add("$itemsJson", SqliteType.Text);
        var created = 0;
        foreach (var digest in digests)
        {
            aLastSeq.Value = digest.LastSeq;
            aNext.Value = UtcTimestampHandler.ToText(digest.NextDueAt);
            aId.Value = digest.SubscriberId;
            aPrevious.Value = UtcTimestampHandler.ToText(digest.PreviousDueAt);
            if (advance.ExecuteNonQuery() == 0) continue;
            advanced++;
            if (digest.Items.Count == 0 && !sendEmpty) continue;
            iId.Value = digest.SubscriberId;
            iPeriod.Value = digest.PeriodKey;
            iMessageId.Value = MessageIdFor(digest.SubscriberId, digest.PeriodKey, messageIdDomain);
            iFrom.Value = UtcTimestampHandler.ToText(digest.WindowFrom);
            iTo.Value = UtcTimestampHandler.ToText(digest.WindowTo);
            iItems.Value = JsonSerializer.Serialize(digest.Items);
            created += insert.ExecuteNonQuery();
        }
        transaction.Commit();
        return created;
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
