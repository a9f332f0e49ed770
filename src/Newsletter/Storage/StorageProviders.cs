namespace Newsletter.Storage;

/// <summary>The values of <c>Storage:Provider</c>.</summary>
public static class StorageProviders
{
    /// <summary>One SQLite file: the default, zero setup.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>One PostgreSQL database shared by every node.</summary>
    public const string Postgres = "postgres";
}
