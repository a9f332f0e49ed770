using Dapper;

namespace Newsletter.Storage;

/// <summary>
/// Named server-side secrets in <c>server_secrets</c>, and the table's one writer: the link-token key, the
/// operator's password hash. Values are a key or a hash, never a password in clear.
/// </summary>
public sealed class ServerSecretStore(Database database)
{
    /// <summary>The stored value, or null when there is none.</summary>
    public string? Find(string name)
    {
        using var connection = database.Connect();
        return connection.QuerySingleOrDefault<string>("SELECT value FROM server_secrets WHERE name = @name", new { name });
    }

    /// <summary>Stores the value unless one exists; true when this call stored it (two processes starting together agree).</summary>
    public bool TryAdd(string name, string value, DateTimeOffset now)
    {
        using var connection = database.Connect();
        return connection.Execute(
            "INSERT INTO server_secrets (name, value, created_at) VALUES (@name, @value, @now) ON CONFLICT (name) DO NOTHING",
            new { name, value, now }) == 1;
    }

    /// <summary>Stores the value, replacing any earlier one.</summary>
    public void Set(string name, string value, DateTimeOffset now)
    {
        using var connection = database.Connect();
        connection.Execute(
            """
            INSERT INTO server_secrets (name, value, created_at) VALUES (@name, @value, @now)
            ON CONFLICT (name) DO UPDATE SET value = excluded.value, created_at = excluded.created_at
            """,
            new { name, value, now });
    }
}
