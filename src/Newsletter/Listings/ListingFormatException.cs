namespace Newsletter.Listings;

/// <summary>
/// A whole source cannot be read (unknown format, truncated, binary, too large, an HTTP error or timeout); nothing
/// from it is stored. The message is one line for the operator, without the source's name.
/// </summary>
public sealed class ListingFormatException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when no answer came at all (no network, refused, timed out): asking again now is pointless.</summary>
    public bool Unreachable { get; init; }
}
