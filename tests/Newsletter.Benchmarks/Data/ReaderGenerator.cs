using System.Globalization;
using Microsoft.Data.Sqlite;
using Newsletter.Storage;

namespace Newsletter.Benchmarks.Data;

/// <summary>
/// Inserts confirmed daily readers straight into the database (raw SQL, one transaction per batch): one to five
/// catalog topics, popular ones more often, and zero to two keyword queries from a pool of about one per ten
/// readers. Every reader is due at <c>dueAt</c> and has already had the papers up to <c>lastSeq</c>.
/// </summary>
public sealed class ReaderGenerator(IReadOnlyList<string> topicSlugs, IReadOnlyList<string> vocabulary, IReadOnlyList<string> rareTerms, int seed)
{
    /// <summary>What was generated: readers, filter rows and distinct filters.</summary>
    public sealed record Summary(int Readers, int FilterRows, int DistinctFilters);

    public Summary Insert(string databasePath, int count, long lastSeq, DateTimeOffset dueAt, string emailPrefix = "reader")
    {
        var random = new Random(seed);
        var keywords = KeywordPool.Build(vocabulary, rareTerms, Math.Max(100, count / 10), seed);
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var filterRows = 0;
        var due = UtcText(dueAt);
        var confirmed = UtcText(dueAt.AddDays(-30));

        using var connection = new Database(databasePath).Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA cache_size = -200000;";
            pragma.ExecuteNonQuery();
        }
        var idBase = NextId(connection);
        const int batch = 50_000;
        for (var start = 0; start < count; start += batch)
        {
            using var transaction = connection.BeginTransaction();
            using var reader = connection.CreateCommand();
            reader.Transaction = transaction;
            reader.CommandText =
                """
                INSERT INTO subscribers (id, email, state, frequency, weekday, hour, timezone, created_at, confirmed_at, last_seq, next_due_at)
                VALUES ($id, $email, 'confirmed', 'daily', 1, 8, 'UTC', $confirmed, $confirmed, $lastSeq, $due)
                """;
            var id = reader.Parameters.Add("$id", SqliteType.Integer);
            var email = reader.Parameters.Add("$email", SqliteType.Text);
            reader.Parameters.AddWithValue("$confirmed", confirmed);
            reader.Parameters.AddWithValue("$lastSeq", lastSeq);
            reader.Parameters.AddWithValue("$due", due);
            using var filter = connection.CreateCommand();
            filter.Transaction = transaction;
            filter.CommandText = "INSERT OR IGNORE INTO subscriber_filters (subscriber_id, kind, value) VALUES ($id, $kind, $value)";
            var filterId = filter.Parameters.Add("$id", SqliteType.Integer);
            var kind = filter.Parameters.Add("$kind", SqliteType.Text);
            var value = filter.Parameters.Add("$value", SqliteType.Text);

            for (var n = start; n < Math.Min(count, start + batch); n++)
            {
                var subscriberId = idBase + n;
                id.Value = subscriberId;
                email.Value = string.Create(CultureInfo.InvariantCulture, $"{emailPrefix}{n}@bench.example.com");
                reader.ExecuteNonQuery();
                filterId.Value = subscriberId;
                foreach (var slug in Topics(random))
                {
                    kind.Value = "topic";
                    value.Value = slug;
                    filterRows += filter.ExecuteNonQuery();
                    distinct.Add("topic:" + slug);
                }
                var ownKeywords = random.Next(3);
                for (var k = 0; k < ownKeywords; k++)
                {
                    var query = keywords[random.Next(keywords.Count)];
                    kind.Value = "keyword";
                    value.Value = query;
                    filterRows += filter.ExecuteNonQuery();
                    distinct.Add("keyword:" + query);
                }
            }
            transaction.Commit();
        }
        return new Summary(count, filterRows, distinct.Count);
    }

    private IEnumerable<string> Topics(Random random)
    {
        // Popularity falls with catalog position (roughly Zipf), as interest in research areas does.
        var wanted = Math.Min(topicSlugs.Count, 1 + random.Next(5));
        var chosen = new HashSet<string>();
        while (chosen.Count < wanted)
        {
            var index = (int)(topicSlugs.Count * Math.Pow(random.NextDouble(), 1.6));
            chosen.Add(topicSlugs[Math.Min(index, topicSlugs.Count - 1)]);
        }
        return chosen;
    }

    private static long NextId(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(id), 0) + 1 FROM subscribers";
        return (long)command.ExecuteScalar()!;
    }

    private static string UtcText(DateTimeOffset value) => UtcTimestampHandler.ToText(value);
}
