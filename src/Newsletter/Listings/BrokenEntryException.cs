namespace Newsletter.Listings;

/// <summary>Inside a parser: this one entry is malformed; it is rejected and the parser goes on with the next.</summary>
internal sealed class BrokenEntryException(string message) : Exception(message);
