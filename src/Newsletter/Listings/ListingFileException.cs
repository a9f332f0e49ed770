namespace Newsletter.Listings;

/// <summary>A file source does not exist or cannot be read (permissions, an I/O error).</summary>
public sealed class ListingFileException(string message, Exception? inner = null) : UnreadableListingException(message, inner);
