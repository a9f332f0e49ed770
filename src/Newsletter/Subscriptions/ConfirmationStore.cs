using System.Text.Json;
using Dapper;
using Newsletter.Storage;

namespace Newsletter.Subscriptions;

/// <summary>
/// The confirmation outbox: one row per emailed link, holding the choices it applies when used and the email's
/// ledger state (pending, sending, sent, retry, failed, unknown), claimed and recorded like digests.
/// </summary>
/// <remarks>
/// The link's token is HMAC(server key, "confirm:" + row id) (<see cref="TokenStore.Derive"/>): the sender derives it
/// again from the row, so no clear token is ever at rest; only its SHA-256 is stored, for the lookup.
/// </remarks>
public sealed class ConfirmationStore(Database database, TokenStore tokens)
{
    private const string Purpose = "confirm";

    /// <summary>
    /// Queues a confirmation email for a reader with the choices it will apply (null: keep theirs), dropping their
    /// spent links (used or expired: they can only show an error page). Returns the row id.
    /// </summary>
    public long Queue(long subscriberId, SubscriptionRequest? choices, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        var choicesJson = choices is null ? null : JsonSerializer.Serialize(choices);
        tokens.LoadKey(now);
        using var connection = database.Connect();
        using var transaction = connection.BeginTransaction();
        connection.Execute(
            """
            DELETE FROM confirmations
            WHERE subscriber_id = @subscriberId AND state <> 'sending' AND (used_at IS NOT NULL OR expires_at <= @now)
            """,
            new { subscriberId, now }, transaction);
        var id = connection.QuerySingle<long>(
            """
            INSERT INTO confirmations (subscriber_id, choices_json, created_at, expires_at, state, updated_at)
            VALUES (@subscriberId, @choicesJson, @now, @expiresAt, 'pending', @now)
            RETURNING id
            """,
            new { subscriberId, choicesJson, now, expiresAt }, transaction);
        connection.Execute(
            "UPDATE confirmations SET token_hash = @hash WHERE id = @id",
            new { id, hash = TokenStore.Hash(Token(id, now)) }, transaction);
        transaction.Commit();
        return id;
    }

    /// <summary>The clear token of a row's link, derived again (it is never stored).</summary>
    public string Token(long confirmationId, DateTimeOffset now) => tokens.Derive(Purpose, confirmationId, now);

    /// <summary>What a link stands for, without using it.</summary>
    public ConfirmationLookup Find(string token, DateTimeOffset now)
    {
        using var connection = database.Connect();
        var row = connection.QuerySingleOrDefault<LinkRow>(
            """
            SELECT subscriber_id AS SubscriberId, choices_json AS ChoicesJson, expires_at AS ExpiresAt, used_at AS UsedAt
            FROM confirmations WHERE token_hash = @hash
            """,
            new { hash = TokenStore.Hash(token) });
        if (row is null) return new ConfirmationLookup(TokenStatus.Unknown, null, null);
        var status = row.UsedAt is not null ? TokenStatus.Used : row.ExpiresAt <= now ? TokenStatus.Expired : TokenStatus.Valid;
        return new ConfirmationLookup(status, row.SubscriberId, Choices(row.ChoicesJson));
    }

    /// <summary>Uses a link: valid only once, atomically (two clicks at once cannot both win).</summary>
    public ConfirmationLookup Consume(string token, DateTimeOffset now)
    {
        using var connection = database.Connect();
        var row = connection.QuerySingleOrDefault<LinkRow>(
            """
            UPDATE confirmations SET used_at = @now
            WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now
            RETURNING subscriber_id AS SubscriberId, choices_json AS ChoicesJson, expires_at AS ExpiresAt, used_at AS UsedAt
            """,
            new { hash = TokenStore.Hash(token), now });
        return row is null ? Find(token, now) : new ConfirmationLookup(TokenStatus.Valid, row.SubscriberId, Choices(row.ChoicesJson));
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> rows pending or due for retry at <paramref name="at"/> for
    /// <paramref name="owner"/> until <paramref name="leaseUntil"/>, counting an attempt for each.
    /// </summary>
    public IReadOnlyList<ConfirmationRow> Claim(string owner, DateTimeOffset at, DateTimeOffset leaseUntil, int limit, DateTimeOffset now)
    {
        using var connection = database.Connect();
        using var transaction = connection.BeginTransaction();
        // On PostgreSQL nodes claim at once: SKIP LOCKED lets each take rows no other claim holds, instead of waiting
        // for them and then claiming them again. SQLite has one writer at a time, so its claim needs no such clause.
        var skipLocked = database.Dialect(sqlite: "", postgres: "FOR UPDATE SKIP LOCKED");
        connection.Execute(
            $"""
            UPDATE confirmations
            SET state = 'sending', attempts = attempts + 1, lease_until = @leaseUntil, lease_owner = @owner, updated_at = @now
            WHERE id IN (SELECT id FROM confirmations
                         WHERE (state = 'pending' OR (state = 'retry' AND next_attempt_at <= @at))
                           AND (lease_owner IS NULL OR lease_owner <> @owner)
                         ORDER BY id LIMIT @limit {skipLocked})
            """,
            new { owner, at, leaseUntil, limit, now }, transaction);
        var rows = connection.Query<ConfirmationRow>(
            """
            SELECT c.id, c.subscriber_id AS SubscriberId, s.email, s.state AS SubscriberState, c.attempts, c.expires_at AS ExpiresAt
            FROM confirmations c JOIN subscribers s ON s.id = c.subscriber_id
            WHERE c.state = 'sending' AND c.lease_owner = @owner
            ORDER BY c.id
            """,
            new { owner }, transaction).ToList();
        transaction.Commit();
        return rows;
    }

    /// <summary>Records that the server accepted the email (or the pickup folder holds it).</summary>
    public void MarkSent(long id, string serverReply, DateTimeOffset now)
    {
        using var connection = database.Connect();
        connection.Execute(
            """
            UPDATE confirmations SET state = 'sent', server_reply = @serverReply, sent_at = @now, last_error = NULL,
                                     lease_until = NULL, updated_at = @now
            WHERE id = @id AND state = 'sending'
            """,
            new { id, serverReply, now });
    }

    /// <summary>Records a temporary failure: the row is tried again at <paramref name="nextAttemptAt"/>.</summary>
    public void MarkRetry(long id, string error, DateTimeOffset nextAttemptAt, DateTimeOffset now)
    {
        using var connection = database.Connect();
        connection.Execute(
            """
            UPDATE confirmations SET state = 'retry', last_error = @error, next_attempt_at = @nextAttemptAt, lease_until = NULL,
                                     updated_at = @now
            WHERE id = @id AND state = 'sending'
            """,
            new { id, error, nextAttemptAt, now });
    }

    /// <summary>Ends a row as <c>failed</c> (refused for good) or <c>unknown</c> (the server may have it).</summary>
    public void MarkFinal(long id, string state, string error, DateTimeOffset now)
    {
        using var connection = database.Connect();
        connection.Execute(
            "UPDATE confirmations SET state = @state, last_error = @error, lease_until = NULL, updated_at = @now WHERE id = @id AND state = 'sending'",
            new { id, state, error, now });
    }

    /// <summary>Gives back rows <paramref name="owner"/> claimed but never tried: they are pending again.</summary>
    public int Release(string owner, IReadOnlyCollection<long> ids, DateTimeOffset now)
    {
        if (ids.Count == 0) return 0;
        using var connection = database.Connect();
        // One list parameter (Database.List): a JSON array on SQLite, an array on PostgreSQL.
        return connection.Execute(
            database.Dialect(
                sqlite: """
                UPDATE confirmations SET state = 'pending', attempts = max(attempts - 1, 0), lease_until = NULL, lease_owner = NULL,
                                         updated_at = @now
                WHERE state = 'sending' AND lease_owner = @owner AND id IN (SELECT value FROM json_each(@ids))
                """,
                postgres: """
                UPDATE confirmations SET state = 'pending', attempts = greatest(attempts - 1, 0), lease_until = NULL, lease_owner = NULL,
                                         updated_at = @now
                WHERE state = 'sending' AND lease_owner = @owner AND id = ANY(@ids)
                """),
            new { owner, ids = database.List(ids), now });
    }

    /// <summary>
    /// Rows left in <c>sending</c> by a process that stopped (lease expired) are due for retry at once, their attempt
    /// counted. Unlike a digest, a confirmation sent twice costs the reader nothing (the same link twice), while
    /// one never sent locks them out, so an abandoned row is sent again rather than left <c>unknown</c>.
    /// Returns how many rows were recovered.
    /// </summary>
    public int RecoverAbandoned(DateTimeOffset now)
    {
        using var connection = database.Connect();
        return connection.Execute(
            """
            UPDATE confirmations SET state = 'retry', next_attempt_at = @now, lease_until = NULL, lease_owner = NULL,
                                     last_error = 'the sending process stopped before recording the result', updated_at = @now
            WHERE state = 'sending' AND lease_until < @now
            """,
            new { now });
    }

    /// <summary>A reader's confirmation emails, oldest first: when each was queued, its state and whether it was used.</summary>
    public IReadOnlyList<(DateTimeOffset CreatedAt, string State, DateTimeOffset? UsedAt)> ForSubscriber(long subscriberId)
    {
        using var connection = database.Connect();
        return connection.Query<(DateTimeOffset, string, DateTimeOffset?)>(
            "SELECT created_at, state, used_at FROM confirmations WHERE subscriber_id = @subscriberId ORDER BY id",
            new { subscriberId }).ToList();
    }

    private static SubscriptionRequest? Choices(string? json) => json is null ? null : JsonSerializer.Deserialize<SubscriptionRequest>(json);

    private sealed class LinkRow
    {
        public long SubscriberId { get; init; }
        public string? ChoicesJson { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
        public DateTimeOffset? UsedAt { get; init; }
    }
}
