using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Delivery;
using Newsletter.Storage;

namespace Newsletter.Tests.Delivery;

/// <summary>Prepares a migrated database with confirmed readers and one pending digest each, written directly.</summary>
internal static class LedgerSeed
{
    public const string Period = "daily:2026-11-24";
    public const string MessageDomain = "newsletter.localhost";

    public static Database Migrated(string path)
    {
        UtcTimestampHandler.Register();
        var database = new Database(path);
        new Migrator(database, NullLogger<Migrator>.Instance).Migrate();
        return database;
    }

    public static string Email(int reader) => $"reader{reader}@example.org";

    /// <summary>Adds readers 1..count (confirmed) with one pending row each for <paramref name="period"/>; returns their ids.</summary>
    public static IReadOnlyList<long> Readers(string path, int count, string period = Period, int first = 1)
    {
        var database = Migrated(path);
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var now = DateTimeOffset.UtcNow.AddDays(-1);
        var papers = connection.Query<long>("SELECT id FROM papers ORDER BY id LIMIT 3", transaction: transaction).ToList();
        for (var p = papers.Count; p < 3; p++)
        {
            papers.Add(connection.ExecuteScalar<long>(
                """
                INSERT INTO papers (paper_key, title, normalized_title, abstract, authors, abs_url, first_seen_at, updated_at)
                VALUES (@key, @title, @key, @abstract, 'A. Author, B. Author', @url, @now, @now) RETURNING id
                """,
                new
                {
                    key = $"seed-{p}", title = $"Seeded paper {p}: state space models at scale",
                    @abstract = string.Concat(Enumerable.Repeat("We study selective state space models and their scaling. ", 6)),
                    url = $"https://arxiv.org/abs/2611.0000{p}", now,
                },
                transaction));
        }
        // As planning writes them.
        var items = FrozenItems.Write(papers.Select(id => new DigestItem(id, ["state-space-models"], 1.0)).ToList());
        var ids = new List<long>();
        for (var i = first; i < first + count; i++)
        {
            var id = connection.ExecuteScalar<long>(
                """
                INSERT INTO subscribers (email, state, created_at, confirmed_at) VALUES (@email, 'confirmed', @now, @now)
                ON CONFLICT (email) DO UPDATE SET state = state
                RETURNING id
                """,
                new { email = Email(i), now }, transaction);
            connection.Execute(
                """
                INSERT INTO deliveries (subscriber_id, period_key, state, created_at, message_id, window_from, window_to, items_json)
                VALUES (@id, @period, 'pending', @now, @messageId, @from, @now, @items)
                """,
                new { id, period, now, messageId = DeliveryStore.MessageIdFor(id, period, MessageDomain), from = now.AddDays(-1), items },
                transaction);
            ids.Add(id);
        }
        transaction.Commit();
        return ids;
    }

    /// <summary>Row counts by state.</summary>
    public static Dictionary<string, int> States(string path)
    {
        using var connection = new Database(path).Open();
        return connection.Query<(string State, int Count)>("SELECT state, COUNT(*) FROM deliveries GROUP BY state")
            .ToDictionary(r => r.State, r => r.Count);
    }

    public static List<DeliveryRow> Rows(string path)
    {
        using var connection = new Database(path).Open();
        return connection.Query<DeliveryRow>(
            """
            SELECT id, subscriber_id AS SubscriberId, period_key AS PeriodKey, state, attempts, message_id AS MessageId,
                   items_json AS ItemsJson, created_at AS CreatedAt, last_error AS LastError, server_reply AS ServerReply, sent_at AS SentAt
            FROM deliveries ORDER BY id
            """).ToList();
    }

    public static string SubscriberState(string path, string email)
    {
        using var connection = new Database(path).Open();
        return connection.ExecuteScalar<string>("SELECT state FROM subscribers WHERE email = @email", new { email })!;
    }
}
