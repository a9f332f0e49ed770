namespace Newsletter.Listings;

/// <summary>The <c>Ingest</c> config section: which listings to read and when.</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Cron expression of the recurring ingest job (UTC).</summary>
    public string Cron { get; set; } = "0 * * * *";

    /// <summary>Largest source accepted, in bytes.</summary>
    public long MaxSourceBytes { get; set; } = 50 * 1024 * 1024;

    /// <summary>Seconds an HTTP source may take.</summary>
    public int HttpTimeoutSeconds { get; set; } = 60;

    public List<ListingSource> Sources { get; set; } = [];
}

/// <summary>One configured listing: a file path (relative to the content root) or an http(s) URL.</summary>
public sealed class ListingSource
{
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";

    /// <summary><c>auto</c> or one of the format names.</summary>
    public string Format { get; set; } = "auto";
}
