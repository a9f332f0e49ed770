namespace Newsletter.Listings;

/// <summary>
/// A whole source cannot be read; nothing from it is stored. The message is one line for the operator, without the
/// source's name. Each cause has its own type: <see cref="ListingFetchException"/>, <see cref="ListingFileException"/>,
/// <see cref="ListingTooLargeException"/>, <see cref="ListingFormatException"/>.
/// </summary>
public abstract class UnreadableListingException(string message, Exception? inner) : Exception(message, inner);
