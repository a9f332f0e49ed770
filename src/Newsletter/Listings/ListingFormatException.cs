namespace Newsletter.Listings;

/// <summary>
/// A source was read but is not a listing: unknown format, binary, empty, truncated or malformed as a whole. (One
/// broken entry is only rejected; the rest of the listing is read.)
/// </summary>
public sealed class ListingFormatException(string message, Exception? inner = null) : UnreadableListingException(message, inner);
