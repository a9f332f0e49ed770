namespace Newsletter.Listings;

/// <summary>One configured listing: a file path (relative to the content root) or an http(s) URL.</summary>
public sealed class ListingSource
{
    /// <summary>The name in summaries and in each paper's sources; the URL when empty.</summary>
    public string Name { get; set; } = "";

    /// <summary>A file path or http(s) URL; <c>{date}</c> becomes the run's UTC date (yyyy-MM-dd).</summary>
    public string Url { get; set; } = "";

    /// <summary><c>auto</c> or one of the format names (<see cref="ListingFormats.Names"/>).</summary>
    public string Format { get; set; } = "auto";
}
