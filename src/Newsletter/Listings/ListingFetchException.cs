namespace Newsletter.Listings;

/// <summary>An http(s) source gave no listing: an HTTP error status, no answer in time, or no connection.</summary>
public sealed class ListingFetchException(string message, Exception? inner = null) : UnreadableListingException(message, inner)
{
    /// <summary>True when no answer came at all (no network, refused, timed out): asking again now is pointless.</summary>
    public bool Unreachable { get; init; }
}
