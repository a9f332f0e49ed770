using Dapper;
using Newsletter.Storage;

namespace Newsletter.Digests;

/// <summary>The random "view in browser" tokens issued before they were derived from the ledger row (read only).</summary>
public sealed class ArchiveTokenStore(Database database)
{
    /// <summary>The ledger row whose archive token hashes to <paramref name="hash"/>, or null.</summary>
    public long? Find(string hash)
    {
        using var connection = database.Connect();
        return connection.QuerySingleOrDefault<long?>("SELECT delivery_id FROM digest_archive_tokens WHERE hash = @hash", new { hash });
    }
}
