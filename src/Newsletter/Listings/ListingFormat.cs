namespace Newsletter.Listings;

/// <summary>The listing formats the ingester reads; <see cref="Auto"/> detects one from the content.</summary>
public enum ListingFormat
{
    Auto,
    PapersPage,
    HuggingFaceJson,
    ArxivApiAtom,
    ArxivRss,
}
