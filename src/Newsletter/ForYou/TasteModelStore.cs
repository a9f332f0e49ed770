using Dapper;
using Newsletter.Storage;

namespace Newsletter.ForYou;

/// <summary>
/// Readers' taste models (table <c>reader_tastes</c>, packed by <see cref="TasteModel.Pack"/>), one per reader with
/// marks, written when marks change; also empties <c>reader_models</c>, where models were stored as JSON before.
/// </summary>
public sealed class TasteModelStore(Database database)
{
    /// <summary>Stores (or replaces) a reader's model.</summary>
    public void Save(long subscriberId, TasteModel model, DateTimeOffset now)
    {
        using var connection = database.Connect();
        connection.Execute(
            """
            INSERT INTO reader_tastes (subscriber_id, model, built_at) VALUES (@subscriberId, @model, @now)
            ON CONFLICT (subscriber_id) DO UPDATE SET model = excluded.model, built_at = excluded.built_at
            """,
            new { subscriberId, model = model.Pack(), now });
    }

    /// <summary>Removes a reader's model (their last mark went).</summary>
    public void Delete(long subscriberId)
    {
        using var connection = database.Connect();
        connection.Execute("DELETE FROM reader_tastes WHERE subscriber_id = @subscriberId", new { subscriberId });
        connection.Execute("DELETE FROM reader_models WHERE subscriber_id = @subscriberId", new { subscriberId });
    }

    /// <summary>
    /// Packs the models still stored as JSON (before migration 0028) into <c>reader_tastes</c> and removes them; a
    /// model packed since wins. Start-up calls it after the migrations, so afterwards it finds nothing; returns how many.
    /// </summary>
    public int PackStored()
    {
        using var connection = database.Connect();
        var packed = 0;
        while (true)
        {
            // In pages: 10,000 JSON models held at once cost ~200 MB. Read before any transaction, so that a start
            // with nothing to pack takes no write lock; nothing writes this table any more, and packing a model twice
            // stores it once.
            var stored = connection.Query<(long SubscriberId, string Model, DateTimeOffset BuiltAt)>(
                "SELECT subscriber_id, model, built_at FROM reader_models ORDER BY subscriber_id LIMIT 500").ToList();
            if (stored.Count == 0) return packed;
            using var transaction = connection.BeginTransaction();
            foreach (var (subscriberId, json, builtAt) in stored)
            {
                connection.Execute(
                    """
                    INSERT INTO reader_tastes (subscriber_id, model, built_at) VALUES (@subscriberId, @model, @builtAt)
                    ON CONFLICT (subscriber_id) DO NOTHING
                    """,
                    new { subscriberId, model = TasteModel.FromJson(json).Pack(), builtAt }, transaction);
                connection.Execute("DELETE FROM reader_models WHERE subscriber_id = @subscriberId", new { subscriberId }, transaction);
            }
            transaction.Commit();
            packed += stored.Count;
        }
    }

    /// <summary>
    /// Up to <paramref name="count"/> models of the readers with ids from <paramref name="fromId"/> on, in id order: a
    /// planning run streams readers in id order and reads their models ahead in pages like this, not one query each.
    /// The models come packed: a <see cref="TasteScorer"/> reads them straight into a window's terms.
    /// </summary>
    public IReadOnlyList<(long SubscriberId, byte[] Model)> From(long fromId, int count)
    {
        using var connection = database.Connect();
        return connection.Query<(long SubscriberId, byte[] Model)>(
            "SELECT subscriber_id, model FROM reader_tastes WHERE subscriber_id >= @fromId ORDER BY subscriber_id LIMIT @count",
            new { fromId, count }).ToList();
    }

    /// <summary>The one reader's packed model, or null.</summary>
    public byte[]? Find(long subscriberId)
    {
        using var connection = database.Connect();
        return connection.QuerySingleOrDefault<byte[]>("SELECT model FROM reader_tastes WHERE subscriber_id = @subscriberId", new { subscriberId });
    }

    /// <summary>Every reader who has a model (planning looks a model up only for them).</summary>
    public HashSet<long> Readers()
    {
        using var connection = database.Connect();
        return connection.Query<long>("SELECT subscriber_id FROM reader_tastes").ToHashSet();
    }

    /// <summary>The text of the papers with ids in (<paramref name="low"/>, <paramref name="high"/>]: a planning window to score.</summary>
    public IReadOnlyList<(long Id, string Title, string Abstract)> WindowPapers(long low, long high)
    {
        using var connection = database.Connect();
        return connection.Query<(long, string, string)>(
            "SELECT id, title, abstract FROM papers WHERE id > @low AND id <= @high ORDER BY id", new { low, high }).ToList();
    }
}
