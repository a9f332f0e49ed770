namespace Newsletter.Listings;

/// <summary>A whole source cannot be read (unknown format, truncated, too large); nothing from it is stored.</summary>
public sealed class ListingFormatException(string message, Exception? inner = null) : Exception(message, inner);
