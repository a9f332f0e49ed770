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

    /// <summary>The first problem with these settings, naming its key, or null when they are usable.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Cron)) return $"{Section}:Cron must be a cron expression";
        if (MaxSourceBytes <= 0) return $"{Section}:MaxSourceBytes must be a positive number of bytes";
        if (HttpTimeoutSeconds <= 0) return $"{Section}:HttpTimeoutSeconds must be a positive number of seconds";
        for (var i = 0; i < Sources.Count; i++)
        {
            var source = Sources[i];
            if (string.IsNullOrWhiteSpace(source.Url)) return $"{Section}:Sources:{i}:Url: every source needs a file path or http(s) URL";
            if (!ListingFormats.TryParse(source.Format, out _))
                return $"{Section}:Sources:{i}:Format: '{source.Format}' is not one of {string.Join(", ", ListingFormats.Names)}";
        }
        return null;
    }
}
