namespace Newsletter.Listings;

/// <summary>What an HTTP listing answered last time: its ETag and Last-Modified, sent back to ask "changed since?".</summary>
public sealed record HttpValidators(string? ETag, string? LastModified);
