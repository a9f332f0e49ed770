namespace Newsletter.Storage;

/// <summary>The <c>Storage</c> config section: where the SQLite file lives.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Path of the SQLite database file, relative to the content root unless absolute.</summary>
    public string Database { get; set; } = "data/newsletter.db";

    /// <summary>How long a connection waits for a write lock before failing, in milliseconds.</summary>
    public int BusyTimeoutMs { get; set; } = 5000;
}
