using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Newsletter.Matching;
using Newsletter.Storage;

namespace Newsletter.Subscriptions;

/// <summary>Subscribers and their filters.</summary>
public sealed class SubscriberStore(Database database)
{
    private const string Columns = """
        id, email, state, frequency, weekday, hour, timezone, created_at AS CreatedAt, confirmed_at AS ConfirmedAt,
        last_seq AS LastSeq, next_due_at AS NextDueAt, digest_order AS DigestOrder, state_reason AS StateReason
        """;

    /// <summary>
    /// The id of the subscriber with this address, created as pending (with the request's schedule but no filters)
    /// when there is none. Nothing about an existing subscriber changes: a request only counts once its owner
    /// confirms it from the emailed link. Every call does the same work whatever the address's state.
    /// </summary>
    public long EnsureExists(string normalizedEmail, SubscriptionRequest request, DateTimeOffset now)
    {
        using var connection = database.Connect();
        return connection.QuerySingle<long>(
            """
            INSERT INTO subscribers (email, state, frequency, weekday, hour, timezone, digest_order, created_at)
            VALUES (@email, 'pending', @Frequency, @Weekday, @Hour, @Timezone, @Order, @now)
            ON CONFLICT (email) DO UPDATE SET email = excluded.email
            RETURNING id
            """,
            new { email = normalizedEmail, request.Frequency, request.Weekday, request.Hour, request.Timezone, request.Order, now });
    }

    /// <summary>
    /// Confirms a subscriber from their emailed link, applying the choices the link carries (null keeps theirs),
    /// and schedules their next digest by the resulting schedule. A reader who was already confirmed keeps their
    /// place in the papers (<c>last_seq</c>); anyone else starts afresh. Returns the subscriber afterwards, or
    /// null when they no longer exist.
    /// </summary>
    public Subscriber? Confirm(long subscriberId, SubscriptionRequest? choices, DateTimeOffset now, Func<Subscriber, DateTimeOffset> nextDue)
    {
        using var connection = database.Connect();
        using var transaction = connection.BeginTransaction();
        if (choices is not null)
        {
            connection.Execute(
                """
                UPDATE subscribers SET frequency = @Frequency, weekday = @Weekday, hour = @Hour, timezone = @Timezone, digest_order = @Order
                WHERE id = @subscriberId
                """,
                new { subscriberId, choices.Frequency, choices.Weekday, choices.Hour, choices.Timezone, choices.Order }, transaction);
            ReplaceFilters(connection, transaction, subscriberId, choices.Filters);
        }
        var subscriber = connection.QuerySingleOrDefault<Subscriber>(
            $"SELECT {Columns} FROM subscribers WHERE id = @subscriberId", new { subscriberId }, transaction);
        if (subscriber is null) return null;
        var firstDueAt = nextDue(subscriber);
        var confirmed = connection.QuerySingle<Subscriber>(
            $"""
            UPDATE subscribers
            SET confirmed_at = CASE WHEN state = 'confirmed' THEN confirmed_at ELSE @now END,
                last_seq = CASE WHEN state = 'confirmed' THEN last_seq ELSE NULL END,
                state = 'confirmed', unsubscribed_at = NULL, state_reason = NULL, next_due_at = @firstDueAt
            WHERE id = @subscriberId
            RETURNING {Columns}
            """,
            new { subscriberId, now, firstDueAt }, transaction);
        transaction.Commit();
        return confirmed;
    }

    /// <summary>
    /// Stops every email to a subscriber, including digests already planned but not yet sent: the sender's claim
    /// ends those ledger rows as failed instead of sending them (the ledger's store writes them, not this one).
    /// </summary>
    public void Unsubscribe(long subscriberId, DateTimeOffset now)
    {
        using var connection = database.Connect();
        connection.Execute(
            "UPDATE subscribers SET state = 'unsubscribed', unsubscribed_at = @now, next_due_at = NULL WHERE id = @subscriberId",
            new { subscriberId, now });
    }

    /// <summary>
    /// Stops a reader's email for a reason that was not their own click (a spam complaint), like
    /// <see cref="Unsubscribe(long, DateTimeOffset)"/>. False when they were already unsubscribed.
    /// </summary>
    public bool Unsubscribe(long subscriberId, string reason, DateTimeOffset now)
    {
        // Their pending digests are ended by the next send's claim, as for any reader no longer confirmed.
        using var connection = database.Connect();
        return connection.Execute(
            """
            UPDATE subscribers SET state = 'unsubscribed', unsubscribed_at = @now, state_reason = @reason, next_due_at = NULL
            WHERE id = @subscriberId AND state <> 'unsubscribed'
            """,
            new { subscriberId, reason, now }) > 0;
    }

    /// <summary>
    /// Suppresses a confirmed reader (their mail server refuses our email) with the reason; only their own
    /// confirmation brings them back. False when they were not confirmed (nothing changes).
    /// </summary>
    public bool Suppress(long subscriberId, string reason, DateTimeOffset now)
    {
        using var connection = database.Connect();
        return connection.Execute(
            """
            UPDATE subscribers SET state = 'suppressed', state_reason = @reason, next_due_at = NULL, suppressed_at = @now
            WHERE id = @subscriberId AND state = 'confirmed'
            """,
            new { subscriberId, reason, now }) > 0;
    }

    /// <summary>
    /// Lifts an operator's or the bounce policy's suppression: the reader is confirmed again, with the operator's
    /// reason kept as the state's reason, and their next digest scheduled by <paramref name="nextDue"/>; their window
    /// starts afresh, as after any confirmation. Null when they were not suppressed (nothing changes).
    /// </summary>
    public Subscriber? LiftSuppression(long subscriberId, string reason, DateTimeOffset now, Func<Subscriber, DateTimeOffset> nextDue)
    {
        using var connection = database.Connect();
        using var transaction = connection.BeginTransaction();
        var subscriber = connection.QuerySingleOrDefault<Subscriber>(
            $"SELECT {Columns} FROM subscribers WHERE id = @subscriberId AND state = 'suppressed'", new { subscriberId }, transaction);
        if (subscriber is null) return null;
        var lifted = connection.QuerySingle<Subscriber>(
            $"""
            UPDATE subscribers SET state = 'confirmed', state_reason = @reason, last_seq = NULL, next_due_at = @nextDueAt
            WHERE id = @subscriberId
            RETURNING {Columns}
            """,
            new { subscriberId, reason, nextDueAt = nextDue(subscriber) }, transaction);
        transaction.Commit();
        return lifted;
    }

    /// <summary>
    /// Replaces a subscriber's schedule and filters; <paramref name="nextDueAt"/> applies only while confirmed.
    /// </summary>
    public void UpdatePreferences(long subscriberId, SubscriptionRequest request, DateTimeOffset? nextDueAt)
    {
        using var connection = database.Connect();
        using var transaction = connection.BeginTransaction();
        connection.Execute(
            """
            UPDATE subscribers
            SET frequency = @Frequency, weekday = @Weekday, hour = @Hour, timezone = @Timezone, digest_order = @Order,
                next_due_at = CASE WHEN state = 'confirmed' THEN @nextDueAt ELSE next_due_at END
            WHERE id = @subscriberId
            """,
            new { subscriberId, request.Frequency, request.Weekday, request.Hour, request.Timezone, request.Order, nextDueAt }, transaction);
        ReplaceFilters(connection, transaction, subscriberId, request.Filters);
        transaction.Commit();
    }

    /// <summary>Removes one filter; true when it was there.</summary>
    public bool RemoveFilter(long subscriberId, string kind, string value)
    {
        using var connection = database.Connect();
        return connection.Execute(
            "DELETE FROM subscriber_filters WHERE subscriber_id = @subscriberId AND kind = @kind AND value = @value",
            new { subscriberId, kind, value }) > 0;
    }

    /// <summary>
    /// Deletes a subscriber and, through the foreign keys' cascades, their filters, tokens, confirmations,
    /// deliveries and confirmation counts: nothing about them is left.
    /// </summary>
    public bool Delete(long subscriberId)
    {
        using var connection = database.Connect();
        return connection.Execute("DELETE FROM subscribers WHERE id = @subscriberId", new { subscriberId }) > 0;
    }

    /// <summary>
    /// Deletes, with everything about them, readers who never confirmed, signed up before <paramref name="before"/>
    /// and were sent no confirmation link since; returns how many.
    /// </summary>
    public int DeleteUnconfirmed(DateTimeOffset before)
    {
        using var connection = database.Connect();
        return connection.Execute(
            """
            DELETE FROM subscribers
            WHERE state = 'pending' AND confirmed_at IS NULL AND created_at < @before
              AND NOT EXISTS (
                  SELECT 1 FROM confirmations c WHERE c.subscriber_id = subscribers.id AND c.created_at >= @before)
            """,
            new { before });
    }

    /// <summary>
    /// Counts one more confirmation email for today; false (and nothing counted) when the day's cap is reached.
    /// </summary>
    public bool TryCountConfirmation(long subscriberId, DateTimeOffset now, int maxPerDay)
    {
        using var connection = database.Connect();
        var count = connection.QuerySingleOrDefault<int?>(
            """
            INSERT INTO confirmation_sends (subscriber_id, day, count) VALUES (@subscriberId, @day, 1)
            ON CONFLICT (subscriber_id, day) DO UPDATE SET count = confirmation_sends.count + 1 WHERE confirmation_sends.count < @maxPerDay
            RETURNING count
            """,
            new { subscriberId, day = now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), maxPerDay });
        return count is not null && count <= maxPerDay;
    }

    /// <summary>
    /// Creates or updates a subscriber as confirmed (an operator import). An address that unsubscribed or was
    /// suppressed is not touched and null is returned: an old list must not overrule a reader's "stop".
    /// </summary>
    public Subscriber? ImportConfirmed(string normalizedEmail, SubscriptionRequest request, DateTimeOffset now, Func<Subscriber, DateTimeOffset> nextDue)
    {
        using var connection = database.Connect();
        using var transaction = connection.BeginTransaction();
        var subscriber = connection.QuerySingleOrDefault<Subscriber>(
            $"""
            INSERT INTO subscribers (email, state, frequency, weekday, hour, timezone, digest_order, created_at, confirmed_at)
            VALUES (@email, 'confirmed', @Frequency, @Weekday, @Hour, @Timezone, @Order, @now, @now)
            ON CONFLICT (email) DO UPDATE SET
                frequency = excluded.frequency, weekday = excluded.weekday, hour = excluded.hour, timezone = excluded.timezone,
                digest_order = excluded.digest_order,
                state = 'confirmed', confirmed_at = coalesce(subscribers.confirmed_at, excluded.confirmed_at)
            WHERE subscribers.state IN ('pending', 'confirmed')
            RETURNING {Columns}
            """,
            new { email = normalizedEmail, request.Frequency, request.Weekday, request.Hour, request.Timezone, request.Order, now },
            transaction);
        if (subscriber is null) return null;
        subscriber = subscriber with { NextDueAt = nextDue(subscriber) };
        connection.Execute("UPDATE subscribers SET next_due_at = @NextDueAt WHERE id = @Id", new { subscriber.NextDueAt, subscriber.Id }, transaction);
        ReplaceFilters(connection, transaction, subscriber.Id, request.Filters);
        transaction.Commit();
        return subscriber;
    }

    /// <summary>Every subscriber with their filters, in id order, read in pages so the list is never held whole.</summary>
    public IEnumerable<(Subscriber Subscriber, IReadOnlyList<SubscriberFilter> Filters)> All(int pageSize = 500)
    {
        long after = 0;
        while (true)
        {
            List<Subscriber> page;
            List<(long SubscriberId, string Kind, string Value)> filters;
            using (var connection = database.Connect())
            {
                page = connection.Query<Subscriber>(
                    $"SELECT {Columns} FROM subscribers WHERE id > @after ORDER BY id LIMIT @pageSize", new { after, pageSize }).ToList();
                if (page.Count == 0) yield break;
                filters = connection.Query<(long, string, string)>(
                    """
                    SELECT subscriber_id, kind, value FROM subscriber_filters
                    WHERE subscriber_id BETWEEN @from AND @to ORDER BY subscriber_id, kind, value
                    """,
                    new { from = page[0].Id, to = page[^1].Id }).ToList();
            }
            var byId = filters.ToLookup(f => f.SubscriberId, f => new SubscriberFilter(f.Kind, f.Value));
            foreach (var subscriber in page) yield return (subscriber, byId[subscriber.Id].ToList());
            after = page[^1].Id;
        }
    }

    /// <summary>The subscribers with these ids (those that still exist), in one query.</summary>
    public IReadOnlyDictionary<long, Subscriber> Find(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0) return new Dictionary<long, Subscriber>();
        using var connection = database.Connect();
        // One list parameter (Database.List): a JSON array on SQLite, an array on PostgreSQL.
        return connection.Query<Subscriber>(
            database.Dialect(
                sqlite: $"SELECT {Columns} FROM subscribers WHERE id IN (SELECT value FROM json_each(@ids))",
                postgres: $"SELECT {Columns} FROM subscribers WHERE id = ANY(@ids)"),
            new { ids = database.List(ids) }).ToDictionary(s => s.Id);
    }

    /// <summary>The subscriber with that id, or null.</summary>
    public Subscriber? Find(long id)
    {
        using var connection = database.Connect();
        return connection.QuerySingleOrDefault<Subscriber>($"SELECT {Columns} FROM subscribers WHERE id = @id", new { id });
    }

    /// <summary>The subscriber with that normalised address, or null.</summary>
    public Subscriber? FindByEmail(string normalizedEmail)
    {
        using var connection = database.Connect();
        return connection.QuerySingleOrDefault<Subscriber>($"SELECT {Columns} FROM subscribers WHERE email = @normalizedEmail", new { normalizedEmail });
    }

    /// <summary>A subscriber's topics and keywords, ordered by kind and value.</summary>
    public IReadOnlyList<SubscriberFilter> Filters(long subscriberId)
    {
        using var connection = database.Connect();
        return connection.Query<SubscriberFilter>(
            "SELECT kind, value FROM subscriber_filters WHERE subscriber_id = @subscriberId ORDER BY kind, value",
            new { subscriberId }).ToList();
    }

    /// <summary>
    /// A reader's digests as the delivery ledger holds them, oldest first: read here (the ledger's store writes
    /// them) so the reader's data export needs nothing from the folders downstream.
    /// </summary>
    public IReadOnlyList<LedgerEntry> Ledger(long subscriberId)
    {
        using var connection = database.Connect();
        return connection.Query<LedgerEntry>(
            """
            SELECT period_key AS PeriodKey, state AS State, created_at AS CreatedAt, sent_at AS SentAt
            FROM deliveries WHERE subscriber_id = @subscriberId ORDER BY id
            """,
            new { subscriberId }).ToList();
    }

    /// <summary>
    /// Prepares, on the planner's connection and transaction, the statement that advances readers' windows: it moves
    /// each reader of a page still confirmed and still due at their previous time (each reader's own times), and
    /// says who moved (<see cref="WindowAdvance"/>). The previous due time is the guard against a concurrent or
    /// repeated planning run.
    /// </summary>
    internal static WindowAdvance PrepareWindowAdvance(DbConnection connection, DbTransaction transaction)
    {
        // The guard on the previous due time makes a repeated or concurrent run move nobody twice; the rows changed say who moved.
        if (connection is SqliteConnection sqlite)
            return new WindowAdvance(new SqliteStatement(sqlite,
                "UPDATE subscribers SET last_seq = ?1, next_due_at = ?2 WHERE id = ?3 AND state = 'confirmed' AND next_due_at = ?4"));
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE subscribers AS s SET last_seq = m.last_seq, next_due_at = m.next_due_at
            FROM unnest(@ids, @lastSeqs, @nextDue, @previousDue) AS m (id, last_seq, next_due_at, previous_due_at)
            WHERE s.id = m.id AND s.state = 'confirmed' AND s.next_due_at = m.previous_due_at
            RETURNING s.id
            """;
        return new WindowAdvance(command);
    }

    private static void ReplaceFilters(DbConnection connection, DbTransaction transaction, long subscriberId, IEnumerable<SubscriberFilter> filters)
    {
        connection.Execute("DELETE FROM subscriber_filters WHERE subscriber_id = @subscriberId", new { subscriberId }, transaction);
        connection.Execute(
            "INSERT INTO subscriber_filters (subscriber_id, kind, value) VALUES (@subscriberId, @Kind, @Value) ON CONFLICT DO NOTHING",
            filters.Select(f => new { subscriberId, f.Kind, f.Value }), transaction);
    }
}
