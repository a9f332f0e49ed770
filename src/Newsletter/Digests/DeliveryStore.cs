using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;
using Newsletter.Matching;
using Newsletter.Storage;

namespace Newsletter.Digests;

/// <summary>The delivery ledger: every digest planned, claimed, sent, retried or given up on.</summary>
public sealed class DeliveryStore(Database database)
{
    /// <summary>
    /// Records many planned digests in one transaction: for each, advances the reader's window (guarded by their
    /// previous due time, so a concurrent or repeated run changes nothing) and, when it has papers or
    /// <paramref name="sendEmpty"/> is set, inserts its ledger row, pointing at its list of items, stored once per
    /// run (<paramref name="run"/>: the lists earlier pages of the run stored). Returns the number of ledger rows created.
    /// A run's pages leave the log's checkpoints to <paramref name="checkpoints"/> (SQLite).
    /// </summary>
    public int Plan(IReadOnlyList<PlannedDigest> digests, string messageIdDomain, bool sendEmpty, DateTimeOffset now, out int advanced,
        FrozenLists? run = null, LedgerCheckpoints? checkpoints = null) =>
        PlannedPageWriter.Write(database, digests, messageIdDomain, sendEmpty, now, out advanced, run ?? new FrozenLists(), checkpoints);

    /// <summary>
    /// Inserts a planning page's rows (<see cref="PlannedRows"/>) a chunk at a time, each pointing at its frozen list
    /// (<c>items_list</c>; <c>items_json</c> is left empty, kept for rows planned before); a row already there for its
    /// reader and period is left as it is. Returns how many rows were created. SQLite: one statement of
    /// <see cref="PlannedRows.ChunkRows"/> rows prepared on the page's connection, its values bound by number.
    /// </summary>
    internal static int InsertPlanned(SqliteConnection connection, PlannedRows rows, DateTimeOffset now)
    {
        var created = 0;
        SqliteStatement? full = null;
        try
        {
            for (var start = 0; start < rows.Count; start += PlannedRows.ChunkRows)
            {
                var count = Math.Min(PlannedRows.ChunkRows, rows.Count - start);
                using var last = count < PlannedRows.ChunkRows ? PrepareInsertPlanned(connection, count) : null;
                var insert = last ?? (full ??= PrepareInsertPlanned(connection, count));
                rows.Bind(insert, start, count, now);
                created += insert.Execute();
            }
            return created;
        }
        finally
        {
            full?.Dispose();
        }
    }

    /// <summary>PostgreSQL: <see cref="InsertPlanned(SqliteConnection, PlannedRows, DateTimeOffset)"/> for one chunk's arrays (<see cref="PlannedRows.Chunks"/>).</summary>
    internal static int InsertPlanned(DbConnection connection, DbTransaction transaction, object chunk) =>
        connection.Execute(
            """
            INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, window_from, window_to, items_json, items_list)
            SELECT r.subscriber_id, r.period_key, 'pending', @now, r.message_id, r.window_from, r.window_to, '', r.items_list
            FROM unnest(@subscriberIds, @periodKeys, @messageIds, @windowFrom, @windowTo, @itemsLists)
                 AS r (subscriber_id, period_key, message_id, window_from, window_to, items_list)
            ON CONFLICT (subscriber_id, period_key) DO NOTHING
            """,
            chunk, transaction);

    // Row r's values are parameters 2 + 6r to 7 + 6r, now is 1 (PlannedRows.Bind).
    private static SqliteStatement PrepareInsertPlanned(SqliteConnection connection, int rows)
    {
        var values = new System.Text.StringBuilder();
        for (var r = 0; r < rows; r++)
        {
            var at = 2 + 6 * r;
            values.Append(r == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture,
                $"(?{at}, ?{at + 1}, 'pending', ?1, ?{at + 2}, ?{at + 3}, ?{at + 4}, '', ?{at + 5})");
        }
        return new SqliteStatement(connection,
            $"""
            INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, window_from, window_to, items_json, items_list)
            VALUES {values}
            ON CONFLICT (subscriber_id, period_key) DO NOTHING
            """);
    }

    /// <summary>A connection a sending worker keeps for its whole run, so recording a result costs one statement.</summary>
    public DbConnection OpenConnection() => database.Connect();

    /// <summary>
    /// Atomically takes up to <paramref name="limit"/> rows that are pending or due for retry by
    /// <paramref name="at"/>, leasing them to <paramref name="owner"/> until <paramref name="leaseUntil"/>, in id
    /// order, on the caller's connection. Rows whose reader is no longer confirmed
    /// (unsubscribed or suppressed after planning) are ended as <c>failed</c> instead of being returned. When
    /// <paramref name="run"/> is given, retry rows last attempted by an owner of that run (<c>run/…</c>) are left
    /// alone: a run tries each row at most once, even when <paramref name="at"/> lies beyond the retry time.
    /// </summary>
    public IReadOnlyList<DeliveryRow> Claim(
        DbConnection connection, string owner, DateTimeOffset at, DateTimeOffset leaseUntil, int limit, DateTimeOffset now, string? run = null)
    {
        var runOwners = run is null ? null : run + "/";
        return TransientRetry.Run(() => ClaimOnce(connection, owner, at, leaseUntil, limit, now, runOwners));
    }

    private IReadOnlyList<DeliveryRow> ClaimOnce(
        DbConnection connection, string owner, DateTimeOffset at, DateTimeOffset leaseUntil, int limit, DateTimeOffset now, string? runOwners)
    {
        using var transaction = connection.BeginTransaction();
        // On PostgreSQL nodes claim at once: each branch locks the rows it picks and skips those another claim
        // holds, so no two claimers ever take one row (a row another claimer already took is re-checked and no
        // longer pending). FOR UPDATE is not allowed on a UNION, hence the two CTEs. SQLite has one writer at a time.
        var claimed = connection.Query<DeliveryRow>(
            database.Dialect(
                sqlite: $"""
                UPDATE deliveries SET state = 'sending', lease_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1,
                                      updated_at = @now
                WHERE id IN (
                    SELECT id FROM (
                        SELECT id FROM deliveries WHERE state = 'pending' ORDER BY id LIMIT @limit)
                    UNION ALL
                    SELECT id FROM (
                        SELECT id FROM deliveries
                        WHERE state = 'retry' AND next_attempt_at <= @at
                          AND (@runOwners IS NULL OR lease_owner IS NULL OR substr(lease_owner, 1, length(@runOwners)) <> @runOwners)
                        ORDER BY id LIMIT @limit)
                    ORDER BY id
                    LIMIT @limit)
                RETURNING {Columns}
                """,
                postgres: $"""
                WITH pending AS (
                    SELECT id FROM deliveries WHERE state = 'pending' ORDER BY id LIMIT @limit FOR UPDATE SKIP LOCKED),
                retry AS (
                    SELECT id FROM deliveries
                    WHERE state = 'retry' AND next_attempt_at <= @at
                      AND (CAST(@runOwners AS text) IS NULL OR lease_owner IS NULL OR left(lease_owner, length(@runOwners)) <> @runOwners)
                    ORDER BY id LIMIT @limit FOR UPDATE SKIP LOCKED)
                UPDATE deliveries SET state = 'sending', lease_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1,
                                      updated_at = @now
                WHERE id IN (SELECT id FROM pending UNION ALL SELECT id FROM retry ORDER BY id LIMIT @limit)
                RETURNING {Columns}
                """),
            new { owner, at, leaseUntil, limit, now, runOwners }, transaction).ToList();
        var dropped = claimed.Count == 0
            ? []
            : connection.Query<long>(
                """
                UPDATE deliveries SET state = 'failed', last_error = 'not sent: the reader is no longer subscribed',
                                      lease_until = NULL, updated_at = @now
                WHERE state = 'sending' AND lease_owner = @owner
                  AND EXISTS (SELECT 1 FROM subscribers s WHERE s.id = deliveries.subscriber_id AND s.state <> 'confirmed')
                RETURNING id
                """,
                new { owner, now }, transaction).ToHashSet();
        transaction.Commit();
        return claimed.Where(r => !dropped.Contains(r.Id)).OrderBy(r => r.Id).ToList();
    }

    /// <summary>Extends the lease of the rows <paramref name="owner"/> still holds; returns their ids.</summary>
    public IReadOnlySet<long> RenewLease(DbConnection connection, string owner, DateTimeOffset leaseUntil) =>
        connection.Query<long>(
            "UPDATE deliveries SET lease_until = @leaseUntil WHERE state = 'sending' AND lease_owner = @owner RETURNING id",
            new { owner, leaseUntil }).ToHashSet();

    /// <summary>Gives back rows claimed but never tried (a worker stopping early): they are pending again.</summary>
    /// <remarks>Only rows after <paramref name="afterId"/>: a started row without a recorded result is left for recovery.</remarks>
    public int Release(DbConnection connection, string owner, long afterId, DateTimeOffset now) =>
        TransientRetry.Run(() =>
            connection.Execute(
                $"""
                UPDATE deliveries SET state = 'pending', attempts = {AttemptsLess()}, lease_until = NULL, lease_owner = NULL,
                                      updated_at = @now
                WHERE state = 'sending' AND lease_owner = @owner AND id > @afterId
                """,
                new { owner, afterId, now }));

    /// <summary>
    /// Records messages the server accepted, all in one transaction (a sending worker records its batch together
    /// rather than paying a commit per message); rows no longer <c>sending</c> are left as they are. Runs on both providers.
    /// </summary>
    public void MarkSent(DbConnection connection, IReadOnlyList<SentMessage> sent)
    {
        if (sent.Count == 0) return;
        TransientRetry.Run(() =>
        {
            using var transaction = connection.BeginTransaction();
            connection.Execute(
                """
                UPDATE deliveries SET state = 'sent', server_reply = @serverReply, sent_at = @at, lease_until = NULL, last_error = NULL,
                                      updated_at = @at
                WHERE id = @id AND state = 'sending'
                """,
                sent.Select(m => new { id = m.Id, serverReply = m.ServerReply, at = m.At }), transaction);
            transaction.Commit();
        });
    }

    /// <summary>Records a temporary failure: the row is tried again at <paramref name="nextAttemptAt"/>.</summary>
    public void MarkRetry(DbConnection connection, long id, string error, DateTimeOffset nextAttemptAt, DateTimeOffset now) =>
        TransientRetry.Run(() =>
            connection.Execute(
                """
                UPDATE deliveries SET state = 'retry', last_error = @error, next_attempt_at = @nextAttemptAt, lease_until = NULL,
                                      updated_at = @now
                WHERE id = @id AND state = 'sending'
                """,
                new { id, error, nextAttemptAt, now }));

    /// <summary>Ends every pending or retrying row of the reader as <c>failed</c> with <paramref name="reason"/>.</summary>
    public int EndUnsent(long subscriberId, string reason, DateTimeOffset now)
    {
        using var connection = database.Connect();
        return connection.Execute(
            """
            UPDATE deliveries SET state = 'failed', last_error = @reason, next_attempt_at = NULL, updated_at = @now
            WHERE subscriber_id = @subscriberId AND state IN ('pending', 'retry')
            """,
            new { subscriberId, reason, now });
    }

    /// <summary>Ends a row as <c>failed</c> (refused for good) or <c>unknown</c> (the server may have it).</summary>
    public void MarkFinal(DbConnection connection, long id, string state, string error, DateTimeOffset now) =>
        TransientRetry.Run(() =>
            connection.Execute(
                "UPDATE deliveries SET state = @state, last_error = @error, lease_until = NULL, updated_at = @now WHERE id = @id AND state = 'sending'",
                new { id, state, error, now }));

    /// <summary>
    /// How many messages a sending worker may hand to the server before it records them, together in one transaction
    /// (a commit per message cost most of the record step): after a crash, at most this many of a worker's claimed
    /// rows may have gone out unrecorded, and <see cref="RecoverAbandoned"/> ends exactly that many as <c>unknown</c>.
    /// </summary>
    public const int UnrecordedAtMost = 10;

    /// <summary>
    /// Takes back the rows of senders that stopped mid-run (their lease ran out before <paramref name="at"/>): a
    /// worker sends its claimed rows in id order and records them in groups of at most <see cref="UnrecordedAtMost"/>,
    /// so each dead owner's first <see cref="UnrecordedAtMost"/> rows still <c>sending</c> may have gone out and become
    /// <c>unknown</c> (never resent blindly), and the rest, never tried, are pending again. Returns how many became unknown.
    /// </summary>
    public int RecoverAbandoned(DateTimeOffset at)
    {
        using var connection = database.Connect();
        return TransientRetry.Run(() => RecoverAbandonedOnce(connection, at));
    }

    private int RecoverAbandonedOnce(DbConnection connection, DateTimeOffset at)
    {
        using var transaction = connection.BeginTransaction();
        var unknown = connection.Execute(
            """
            UPDATE deliveries SET state = 'unknown', last_error = 'the sending process stopped before recording the result',
                                  lease_until = NULL, updated_at = @at
            WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY lease_owner ORDER BY id) AS n
                                         FROM deliveries WHERE state = 'sending' AND lease_until < @at) AS abandoned
                         WHERE n <= @window)
            """,
            new { at, window = UnrecordedAtMost }, transaction);
        connection.Execute(
            $"""
            UPDATE deliveries SET state = 'pending', attempts = {AttemptsLess()}, lease_until = NULL, lease_owner = NULL,
                                  updated_at = @at
            WHERE state = 'sending' AND lease_until < @at
            """,
            new { at }, transaction);
        transaction.Commit();
        return unknown;
    }

    /// <summary>True when some row is pending or due for retry by <paramref name="at"/>.</summary>
    public bool AnyDue(DateTimeOffset at)
    {
        using var connection = database.Connect();
        return connection.ExecuteScalar<bool>(
            """
            SELECT EXISTS (SELECT 1 FROM deliveries WHERE state = 'pending')
                OR EXISTS (SELECT 1 FROM deliveries WHERE state = 'retry' AND next_attempt_at <= @at)
            """,
            new { at });
    }

    /// <summary>
    /// Puts <c>unknown</c> or <c>failed</c> rows (last changed at or after <paramref name="since"/>, when given)
    /// back to pending with fresh attempts, for readers still confirmed. The operator pages narrow it further: to
    /// one row (<paramref name="onlyId"/>) or to rows planned in [<paramref name="plannedFrom"/>,
    /// <paramref name="plannedBefore"/>). Returns (resent, skipped because the reader is no longer subscribed).
    /// </summary>
    public (int Resent, int Skipped) Resend(string state, DateTimeOffset? since, DateTimeOffset now,
        long? onlyId = null, DateTimeOffset? plannedFrom = null, DateTimeOffset? plannedBefore = null)
    {
        if (state is not (DeliveryStates.Unknown or DeliveryStates.Failed))
            throw new ArgumentException($"only unknown or failed rows are sent again, not {state}", nameof(state));
        var filter = new { state, since, now, onlyId, plannedFrom, plannedBefore };
        // PostgreSQL cannot tell the type of a NULL parameter that is only tested for NULL: there the test casts it.
        var narrow = database.Dialect(
            sqlite: """
                (@since IS NULL OR COALESCE(updated_at, created_at) >= @since) AND (@onlyId IS NULL OR id = @onlyId)
                AND (@plannedFrom IS NULL OR created_at >= @plannedFrom) AND (@plannedBefore IS NULL OR created_at < @plannedBefore)
                """,
            postgres: """
                (CAST(@since AS timestamptz) IS NULL OR COALESCE(updated_at, created_at) >= @since)
                AND (CAST(@onlyId AS bigint) IS NULL OR id = @onlyId)
                AND (CAST(@plannedFrom AS timestamptz) IS NULL OR created_at >= @plannedFrom)
                AND (CAST(@plannedBefore AS timestamptz) IS NULL OR created_at < @plannedBefore)
                """);
        using var connection = database.Connect();
        // Another node's statement on the same finished rows (retention's delete) may lock them in another order.
        return TransientRetry.Run(() => ResendOnce(connection, filter, narrow));
    }

    private static (int Resent, int Skipped) ResendOnce(DbConnection connection, object filter, string narrow)
    {
        using var transaction = connection.BeginTransaction();
        var resent = connection.Execute(
            $"""
            UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = NULL, lease_until = NULL, lease_owner = NULL,
                                  updated_at = @now
            WHERE state = @state AND {narrow}
              AND EXISTS (SELECT 1 FROM subscribers s WHERE s.id = deliveries.subscriber_id AND s.state = 'confirmed')
            """,
            filter, transaction);
        var skipped = connection.ExecuteScalar<int>(
            $"""
            SELECT COUNT(*) FROM deliveries
            WHERE state = @state AND {narrow}
            """,
            filter, transaction);
        transaction.Commit();
        return (resent, skipped);
    }

    /// <summary>
    /// Deletes at most <paramref name="batch"/> finished rows (sent, failed, unknown) planned before
    /// <paramref name="before"/>, with their frozen papers; pending and retrying rows stay whatever their age.
    /// One short transaction per call (a range of index <c>deliveries_state_created</c>), so a sender waits for at
    /// most one batch. Returns how many were deleted.
    /// </summary>
    public int RemoveFinishedBefore(DateTimeOffset before, int batch)
    {
        using var connection = database.Connect();
        return TransientRetry.Run(() => connection.Execute(
            """
            DELETE FROM deliveries WHERE id IN (
                SELECT id FROM deliveries WHERE state IN ('sent', 'failed', 'unknown') AND created_at < @before LIMIT @batch)
            """,
            new { before, batch }));
    }

    // The columns every read of a whole row asks for, named as DeliveryRow's properties.
    private const string Columns = """
        id, subscriber_id AS SubscriberId, period_key AS PeriodKey, state, attempts, message_id AS MessageId,
        window_from AS WindowFrom, window_to AS WindowTo,
        COALESCE((SELECT l.items FROM frozen_lists l WHERE l.id = deliveries.items_list), deliveries.items_json) AS ItemsJson,
        created_at AS CreatedAt,
        last_error AS LastError, server_reply AS ServerReply, sent_at AS SentAt
        """;

    /// <summary>
    /// Deletes at most <paramref name="batch"/> frozen lists written before <paramref name="before"/> whose run has no
    /// ledger row left (so none points at them); returns how many. Retention calls it after removing rows.
    /// </summary>
    public int RemoveUnusedLists(DateTimeOffset before, int batch)
    {
        using var connection = database.Connect();
        return FrozenListStore.RemoveUnused(database, connection, before, batch);
    }

    public DeliveryRow? Find(long id)
    {
        using var connection = database.Connect();
        return connection.QuerySingleOrDefault<DeliveryRow>($"SELECT {Columns} FROM deliveries WHERE id = @id", new { id });
    }

    /// <summary>
    /// The row whose digest carried this Message-ID, or null. The id names its reader (see <see cref="LedgerMessageId"/>),
    /// so the lookup goes through the reader's rows by index rather than scanning the ledger.
    /// </summary>
    public DeliveryRow? FindByMessageId(string messageId)
    {
        if (!LedgerMessageId.TryRead(messageId, out var subscriberId, out var id)) return null;
        using var connection = database.Connect();
        return connection.QuerySingleOrDefault<DeliveryRow>(
            $"SELECT {Columns} FROM deliveries WHERE subscriber_id = @subscriberId AND message_id = @id", new { subscriberId, id });
    }

    public IReadOnlyList<DeliveryRow> ForSubscriber(long subscriberId)
    {
        using var connection = database.Connect();
        return connection.Query<DeliveryRow>(
            $"SELECT {Columns} FROM deliveries WHERE subscriber_id = @subscriberId ORDER BY id", new { subscriberId }).ToList();
    }

    /// <summary>
    /// The frozen items of a row, whichever format it was written in (see <see cref="FrozenItems"/>). Every query
    /// that reads rows gives <see cref="DeliveryRow.ItemsJson"/> the list the row points at, or the row's own
    /// <c>items_json</c> when it was planned before lists were stored once (migration 0025); throws (JsonException,
    /// FormatException) when neither can be read, e.g. a list gone missing.
    /// </summary>
    public static IReadOnlyList<DigestItem> Items(DeliveryRow row) => FrozenItems.Read(row.ItemsJson);

    // max(a, b) is greatest(a, b) on PostgreSQL.
    private string AttemptsLess() => database.Dialect(sqlite: "MAX(attempts - 1, 0)", postgres: "greatest(attempts - 1, 0)");
}
