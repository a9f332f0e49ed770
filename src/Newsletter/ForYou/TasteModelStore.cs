using Dapper;
using Newsletter.Storage;

namespace Newsletter.ForYou;

/// <summary>Readers' taste models (table <c>reader_models</c>), one per reader with marks, written when marks change.</summary>
public sealed class TasteModelStore(Database database)
{
    /// <summary>Stores (or replaces) a reader's model.</summary>
    public void Save(long subscriberId, TasteModel model, DateTimeOffset now)
    {
        using var connection = database.Open();
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
        using var connection = database.Open();
        connection.Execute("DELETE FROM reader_models WHERE subscriber_id = @subscriberId", new { subscriberId });
    }

    /// <summary>The models of those of <paramref name="subscriberIds"/> who have one.</summary>
    public IReadOnlyDictionary<long, TasteModel> For(IReadOnlyCollection<long> subscriberIds)
    {
        if (subscriberIds.Count == 0) return new Dictionary<long, TasteModel>();
        using var connection = database.Open();
        return connection.Query<(long SubscriberId, string Model)>(
                "SELECT subscriber_id, model FROM reader_models WHERE subscriber_id IN @subscriberIds",
                new { subscriberIds })
            .ToDictionary(r => r.SubscriberId, r => TasteModel.FromJson(r.Model));
    }

    /// <summary>Whether any reader has a model (planning skips the taste step when none has).</summary>
    public bool Any()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<bool>("SELECT EXISTS (SELECT 1 FROM reader_models)");
    }
}
