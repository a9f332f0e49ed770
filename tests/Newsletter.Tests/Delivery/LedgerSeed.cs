using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Digests;
using Newsletter.Matching;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>
/// Prepares a migrated database with confirmed readers (reader1@…, reader2@…, ids 1, 2, …) and their digests planned
/// by the real planner into the ledger, as production plans them. The first digests are yesterday's (UTC), so
/// tests that send at the real time find them due; <see cref="NextDay"/> plans the day after.
/// </summary>
internal static class LedgerSeed
{
    /// <summary>When the first digests were planned: yesterday 08:00 UTC, every seeded reader's slot.</summary>
    public static readonly DateTimeOffset PlannedAt = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-1).AddHours(8);

    public static readonly string Period = $"daily:{PlannedAt:yyyy-MM-dd}";
    /// <summary>The period the checked-in bounce reports' Message-IDs name (rows written by the raw overload).</summary>
    public const string FixturePeriod = "daily:2026-11-24";

    public static readonly string NextPeriod = $"daily:{PlannedAt.AddDays(1):yyyy-MM-dd}";

    /// <summary>The domain of the default From address (appsettings.json), which Message-IDs use.</summary>
    public const string MessageDomain = "newsletter.localhost";

    public static Database Migrated(string path)
    {
        UtcTimestampHandler.Register();
        var database = new Database(path);
        new Migrator(database, NullLogger<Migrator>.Instance, TimeProvider.System).Migrate();
        return database;
    }

    public static string Email(int reader) => $"reader{reader}@example.org";

    /// <summary>
    /// Three papers and readers 1..<paramref name="count"/> (daily at 08:00 UTC, following state space models),
    /// confirmed the day before <see cref="PlannedAt"/>; then plans their digests (<see cref="Period"/>), one
    /// pending ledger row each. Returns the readers' ids.
    /// </summary>
    public static IReadOnlyList<long> Readers(TestWorkspace workspace, int count)
    {
        var confirmed = PlannedAt.AddHours(-23);
        return InWorld(workspace, confirmed, world =>
        {
            for (var p = 0; p < 3; p++) AddPaper(world, p, confirmed.AddHours(1));
            var ids = world.AddReaders(Enumerable.Range(1, count).Select(Email), confirmed, [DigestWorld.Topic("state-space-models")]);
            world.Clock.SetUtcNow(PlannedAt);
            Assert.That(world.Planner.PlanDue(PlannedAt), Is.EqualTo(count), "every seeded reader's digest is planned");
            return ids;
        });
    }

    /// <summary>
    /// Readers <paramref name="first"/>.. (confirmed a day ago) with one pending row each for <paramref name="period"/>,
    /// written straight into the ledger in the format planning writes: for tests that need many periods per reader
    /// (the bounce policy's window) without planning each day.
    /// </summary>
    public static IReadOnlyList<long> Readers(string path, int count, string? period = null, int first = 1)
    {
        period ??= FixturePeriod;
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
                new { id, period, now, messageId = LedgerMessageId.For(id, period, MessageDomain), from = now.AddDays(-1), items },
                transaction);
            ids.Add(id);
        }
        transaction.Commit();
        return ids;
    }


    /// <summary>
    /// One more paper, then the next day's digests (<see cref="NextPeriod"/>) planned for every reader still
    /// confirmed and due; returns how many rows that planned.
    /// </summary>
    public static int NextDay(TestWorkspace workspace)
    {
        var next = PlannedAt.AddDays(1);
        return InWorld(workspace, PlannedAt.AddHours(1), world =>
        {
            AddPaper(world, 3, PlannedAt.AddHours(2));
            world.Clock.SetUtcNow(next);
            return world.Planner.PlanDue(next);
        });
    }

    private static T InWorld<T>(TestWorkspace workspace, DateTimeOffset now, Func<DigestWorld, T> seed)
    {
        var world = new DigestWorld(workspace, now);
        try
        {
            return seed(world);
        }
        finally
        {
            world.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static void AddPaper(DigestWorld world, int p, DateTimeOffset firstSeen) =>
        world.AddPaper($"Seeded paper {p}: state space models at scale",
            string.Concat(Enumerable.Repeat("We study selective state space models and their scaling. ", 6)), firstSeen,
            "A. Author, B. Author", arxivId: $"2611.0000{p}");

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
                   COALESCE((SELECT l.items FROM frozen_lists l WHERE l.id = deliveries.items_list), items_json) AS ItemsJson, created_at AS CreatedAt, last_error AS LastError, server_reply AS ServerReply, sent_at AS SentAt
            FROM deliveries ORDER BY id
            """).ToList();
    }

    public static string SubscriberState(string path, string email)
    {
        using var connection = new Database(path).Open();
        return connection.ExecuteScalar<string>("SELECT state FROM subscribers WHERE email = @email", new { email })!;
    }
}
