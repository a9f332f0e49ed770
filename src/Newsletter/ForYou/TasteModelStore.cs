using Dapper;
using Newsletter.Storage;

namespace Newsletter.ForYou;

/// <summary>Readers' taste models (table <c>reader_models</c>), one per reader with marks, written when marks change.</summary>
public sealed class TasteModelStore(Database database)
{
    /// <summary>Stores (or replaces) a reader's model.</summary>
    public void Save(long subscriberId, TasteModel model, DateTimeOffset now)
    {
        using var connection = database.Connect();
        connection.Execute(
            """
            INSERT INTO reader_models (subscriber_id, model, built_at) VALUES (@subscriberId, @model, @now)
            ON CONFLICT (subscriber_id) DO UPDATE SET model = excluded.model, built_at = excluded.built_at
            """,
            new { subscriberId, model = model.ToJson(), now });
    }

    /// <summary>Removes a reader's model (their last mark went).</summary>
    public void Delete(long subscriberId)
    {
        using var connection = database.Connect();
        connection.Execute("DELETE FROM reader_models WHERE subscriber_id = @subscriberId", new { subscriberId });
    }

    /// <summary>The models of those of <paramref name="subscriberIds"/> who have one.</summary>
    public IReadOnlyDictionary<long, TasteModel> For(IReadOnlyCollection<long> subscriberIds)
    {
        if (subscriberIds.Count == 0) return new Dictionary<long, TasteModel>();
        using var connection = database.Connect();
        // Dapper spreads a list into IN (…) on SQLite and passes it as one array on PostgreSQL.
        return connection.Query<(long SubscriberId, string Model)>(
                database.Dialect(
                    sqlite: "SELECT subscriber_id, model FROM reader_models WHERE subscriber_id IN @subscriberIds",
                    postgres: "SELECT subscriber_id, model FROM reader_models WHERE subscriber_id = ANY(@subscriberIds)"),
                new { subscriberIds = subscriberIds.ToArray() })
            .ToDictionary(r => r.SubscriberId, r => TasteModel.FromJson(r.Model));
    }

    /// <summary>
    /// Up to <paramref name="count"/> models of the readers with ids from <paramref name="fromId"/> on, in id order: a
    /// planning run streams readers in id order and reads their models ahead in pages like this, not one query each.
    /// The models come as stored (JSON): a <see cref="TasteScorer"/> reads them straight into a window's terms.
    /// </summary>
    public IReadOnlyList<(long SubscriberId, string Model)> From(long fromId, int count)
    {
        using var connection = database.Connect();
        return connection.Query<(long SubscriberId, string Model)>(
            "SELECT subscriber_id, model FROM reader_models WHERE subscriber_id >= @fromId ORDER BY subscriber_id LIMIT @count",
            new { fromId, count }).ToList();
    }

    /// <summary>The one reader's model, or null.</summary>
    public TasteModel? Find(long subscriberId)
    {
        using var connection = database.Connect();
        var json = connection.QuerySingleOrDefault<string>("SELECT model FROM reader_models WHERE subscriber_id = @subscriberId", new { subscriberId });
        return json is null ? null : TasteModel.FromJson(json);
    }

    /// <summary>Every reader who has a model (planning looks a model up only for them).</summary>
    public HashSet<long> Readers()
    {
        using var connection = database.Connect();
        return connection.Query<long>("SELECT subscriber_id FROM reader_models").ToHashSet();
    }

    /// <summary>The text of the papers with ids in (<paramref name="low"/>, <paramref name="high"/>]: a planning window to score.</summary>
    public IReadOnlyList<(long Id, string Title, string Abstract)> WindowPapers(long low, long high)
    {
        using var connection = database.Connect();
        return connection.Query<(long, string, string)>(
            "SELECT id, title, abstract FROM papers WHERE id > @low AND id <= @high ORDER BY id", new { low, high }).ToList();
    }
}
