using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;
using Newsletter.Matching;
using Newsletter.Storage;

namespace Newsletter.Digests;

/// <summary>
/// The lists of frozen digest items that ledger rows point at (<c>frozen_lists</c>, migration 0025): each distinct
/// list once, keyed by a hash of its text, since readers who share filters share a list (a run of 100,000 readers
/// froze 27,033 distinct lists). The planner writes them inside its page's transaction; the ledger's queries read
/// them back as the row's items (see <see cref="DeliveryStore"/>); retention removes the lists no row points at.
/// </summary>
internal sealed class FrozenListStore : IDisposable
{
    private readonly SqliteCommand _upsert;
    private readonly SqliteParameter _hash;
    private readonly SqliteParameter _items;
    // Lists are compared by reference: the planner hands the same list object to every reader who shares it.
    private readonly Dictionary<IReadOnlyList<DigestItem>, string> _frozen = new(ReferenceEqualityComparer.Instance);
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(1024);

    private FrozenListStore(SqliteCommand upsert)
    {
        _upsert = upsert;
        _hash = upsert.Parameters["$hash"];
        _items = upsert.Parameters["$items"];
    }

    /// <summary>A writer of lists inside <paramref name="transaction"/>, planning at <paramref name="now"/>.</summary>
    public static FrozenListStore Prepare(SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now)
    {
        var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        // A list already stored is left alone, except that its use time moves up when it is a day old: retention
        // deletes only lists unused for longer than it keeps rows, and on PostgreSQL this row lock makes a concurrent
        // retention re-check the use time instead of deleting the list a new row is about to point at.
        upsert.CommandText = """
            INSERT INTO frozen_lists (hash, items, used_at) VALUES ($hash, $items, $now)
            ON CONFLICT (hash) DO UPDATE SET used_at = excluded.used_at WHERE frozen_lists.used_at < $staleBefore
            """;
        upsert.Parameters.Add("$hash", SqliteType.Text);
        upsert.Parameters.Add("$items", SqliteType.Text);
        upsert.Parameters.AddWithValue("$now", UtcTimestampHandler.ToText(now));
        upsert.Parameters.AddWithValue("$staleBefore", UtcTimestampHandler.ToText(now.AddDays(-1)));
        return new FrozenListStore(upsert);
    }

    /// <summary>Stores <paramref name="items"/> unless this writer or an earlier run did; returns the hash a row points at it by.</summary>
    public string Freeze(IReadOnlyList<DigestItem> items)
    {
        if (_frozen.TryGetValue(items, out var hash)) return hash;
        var text = FrozenItems.WriteUtf8(items, _buffer);
        _hash.Value = hash = Hash(text);
        _items.Value = Encoding.UTF8.GetString(text);
        _upsert.ExecuteNonQuery();
        _frozen[items] = hash;
        return hash;
    }

    /// <summary>The key of a list's text: hex of the first 16 bytes of its SHA-256 (a collision needs ~2^64 lists).</summary>
    public static string Hash(ReadOnlySpan<byte> text)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(text, digest);
        return Convert.ToHexStringLower(digest[..16]);
    }

    /// <summary>
    /// Deletes at most <paramref name="batch"/> lists no ledger row points at and unused since
    /// <paramref name="before"/>, in one statement; returns how many. Runs on either provider.
    /// </summary>
    public static int RemoveUnused(DbConnection connection, DateTimeOffset before, int batch) =>
        // The outer used_at test is the one PostgreSQL re-checks on a row a planner has just touched (see Prepare).
        connection.Execute(
            """
            DELETE FROM frozen_lists WHERE used_at < @before AND hash IN (
                SELECT l.hash FROM frozen_lists l
                WHERE l.used_at < @before AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.items_hash = l.hash)
                LIMIT @batch)
            """,
            new { before, batch });

    public void Dispose() => _upsert.Dispose();
}
