namespace Newsletter.Listings;

/// <summary>A source is larger than <c>Ingest:MaxSourceBytes</c>; it is refused while it is read, not after.</summary>
public sealed class ListingTooLargeException(long limit) : UnreadableListingException(
    $"larger than {IngestOptions.Section}:MaxSourceBytes ({limit} bytes)", null);
