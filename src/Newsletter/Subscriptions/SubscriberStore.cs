using Dapper;
using Microsoft.Data.Sqlite;
using Newsletter.Storage;

namespace Newsletter.Subscriptions;

/// <summary>Subscribers and their filters.</summary>
public sealed class SubscriberStore(Database database)
{
    private const string Columns = """
        id, email, state, frequency, weekday, hour, timezone, created_at AS CreatedAt, confirmed_at AS ConfirmedAt,
        last_seq AS LastSeq, next_due_at AS NextDueAt
        """;

    /// <summary>
    /// Creates a pending subscriber, or updates the preferences of an existing one that is not confirmed. Returns
    /// the subscriber as stored afterwards.
    /// </summary>
    public Subscriber Upsert(string normalizedEmail, SubscriptionRequest request, DateTimeOffset now)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var subscriber = connection.QuerySingle<Subscriber>(
            $"""
            INSERT INTO subscribers (email, state, frequency, weekday, hour, timezone, created_at)
            VALUES (@email, 'pending', @Frequency, @Weekday, @Hour, @Timezone, @now)
            ON CONFLICT (email) DO UPDATE SET
                frequency = excluded.frequency, weekday = excluded.weekday, hour = excluded.hour, timezone = excluded.timezone,
                state = CASE WHEN state IN ('unsubscribed', 'suppressed') THEN 'pending' ELSE state END
            RETURNING {Columns}
            """,
            new { email = normalizedEmail, request.Frequency, request.Weekday, request.Hour, request.Timezone, now },
            transaction);
        ReplaceFilters(connection, transaction, subscriber.Id, request.Filters);
        transaction.Commit();
        return subscriber;
    }

    /// <summary>Marks a subscriber confirmed and sets when their first digest is due.</summary>
    public void Confirm(long subscriberId, DateTimeOffset now, DateTimeOffset firstDueAt)
    {
        using var connection = database.Open();
        connection.Execute(
            """
            UPDATE subscribers
            SET state = 'confirmed', confirmed_at = @now, unsubscribed_at = NULL, last_seq = NULL, next_due_at = @firstDueAt
            WHERE id = @subscriberId AND state <> 'confirmed'
            """,
            new { subscriberId, now, firstDueAt });
    }

    /// <summary>Stops every email to a subscriber.</summary>
    public void Unsubscribe(long subscriberId, DateTimeOffset now)
    {
        using var connection = database.Open();
        connection.Execute(
            "UPDATE subscribers SET state = 'unsubscribed', unsubscribed_at = @now, next_due_at = NULL WHERE id = @subscriberId",
            new { subscriberId, now });
    }

    public Subscriber? Find(long id)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<Subscriber>($"SELECT {Columns} FROM subscribers WHERE id = @id", new { id });
    }

    public Subscriber? FindByEmail(string normalizedEmail)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<Subscriber>($"SELECT {Columns} FROM subscribers WHERE email = @normalizedEmail", new { normalizedEmail });
    }

    public IReadOnlyList<SubscriberFilter> Filters(long subscriberId)
    {
        using var connection = database.Open();
        return connection.Query<SubscriberFilter>(
            "SELECT kind, value FROM subscriber_filters WHERE subscriber_id = @subscriberId ORDER BY kind, value",
            new { subscriberId }).ToList();
    }

    private static void ReplaceFilters(SqliteConnection connection, SqliteTransaction transaction, long subscriberId, IEnumerable<SubscriberFilter> filters)
    {
        connection.Execute("DELETE FROM subscriber_filters WHERE subscriber_id = @subscriberId", new { subscriberId }, transaction);
        connection.Execute(
            "INSERT OR IGNORE INTO subscriber_filters (subscriber_id, kind, value) VALUES (@subscriberId, @Kind, @Value)",
            filters.Select(f => new { subscriberId, f.Kind, f.Value }), transaction);
    }
}
