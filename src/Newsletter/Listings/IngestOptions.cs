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

    /// <summary>
    /// Days before today a dated source (<c>{date}</c> in its URL) is read back, each day once: all of them on the
    /// first start, the days missed after downtime.
    /// </summary>
    public int BackfillDays { get; set; } = 7;

    /// <summary>Most days <see cref="BackfillDays"/> may ask for.</summary>
    public const int MaxBackfillDays = 60;

    // Empty here: the configuration binder appends to a list it finds filled, so a default source could never be
    // replaced. The default (Hugging Face daily papers) is in appsettings.json.
    public List<ListingSource> Sources { get; set; } = [];

    /// <summary>Every problem with these settings, each naming its key; none when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Cron)) yield return $"{Section}:Cron must be a cron expression";
        if (MaxSourceBytes <= 0) yield return $"{Section}:MaxSourceBytes must be a positive number of bytes";
        if (HttpTimeoutSeconds <= 0) yield return $"{Section}:HttpTimeoutSeconds must be a positive number of seconds";
        if (BackfillDays is < 0 or > MaxBackfillDays) yield return $"{Section}:BackfillDays must be between 0 and {MaxBackfillDays}";
        for (var i = 0; i < Sources.Count; i++)
        {
            var source = Sources[i];
            if (string.IsNullOrWhiteSpace(source.Url)) yield return $"{Section}:Sources:{i}:Url: every source needs a file path or http(s) URL";
            else if (!ListingFormats.TryParse(source.Format, out _))
                yield return $"{Section}:Sources:{i}:Format: '{source.Format}' is not one of {string.Join(", ", ListingFormats.Names)}";
        }
    }
}
