namespace Newsletter.Listings;

/// <summary>What a parser read from one source: the good entries and the rejected ones.</summary>
public sealed record ParsedListing(IReadOnlyList<ListingEntry> Entries, ListingRejections Rejections);
