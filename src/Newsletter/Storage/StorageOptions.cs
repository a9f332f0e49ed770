namespace Newsletter.Storage;

/// <summary>The <c>Storage</c> config section: where the SQLite file lives.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Path of the SQLite database file, relative to the content root unless absolute.</summary>
    public string Database { get; set; } = "data/newsletter.db";

    /// <summary>How long a connection waits for a write lock before failing, in milliseconds.</summary>
    public int BusyTimeoutMs { get; set; } = 5000;

    /// <summary>Each bad setting as one line naming its key; none when all are usable. Checked at start.</summary>
    public IEnumerable<string> Problems()
    {
        const string s = StorageOptions.Section;
        if (string.IsNullOrWhiteSpace(Database)) yield return $"{s}:Database must name a file";
        if (BusyTimeoutMs is < 0 or > 600_000) yield return $"{s}:BusyTimeoutMs must be between 0 and 600000";
    }
}
