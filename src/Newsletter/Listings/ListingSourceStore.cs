using Dapper;
using Newsletter.Storage;

namespace Newsletter.Listings;

/// <summary>The <c>listing_sources</c> table: every listing read (URL or file, date filled in), with its HTTP validators.</summary>
public sealed class ListingSourceStore(Database database, TimeProvider clock)
{
    /// <summary>The validators stored for <paramref name="url"/>, or null when it was never fetched.</summary>
    public HttpValidators? Get(string url)
    {
        using var connection = database.Connect();
        return connection.QueryFirstOrDefault<HttpValidators>(
            "SELECT etag AS ETag, last_modified AS LastModified FROM listing_sources WHERE url = @url", new { url });
    }

    /// <summary>True when the listing at <paramref name="location"/> (a URL or file path, date filled in) was read before.</summary>
    public bool WasRead(string location)
    {
        using var connection = database.Connect();
        return connection.ExecuteScalar<bool>("SELECT EXISTS (SELECT 1 FROM listing_sources WHERE url = @location)", new { location });
    }

    /// <summary>Records the validators of a response whose listing has been stored.</summary>
    public void Save(string url, HttpValidators validators)
    {
        using var connection = database.Connect();
        connection.Execute(
            """
            INSERT INTO listing_sources (url, etag, last_modified, fetched_at) VALUES (@url, @ETag, @LastModified, @now)
            ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, fetched_at = excluded.fetched_at
            """,
            new { url, validators.ETag, validators.LastModified, now = clock.GetUtcNow() });
    }
}
