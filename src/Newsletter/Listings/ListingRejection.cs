namespace Newsletter.Listings;

/// <summary>An entry a parser could not accept: where it stands in the source and why.</summary>
public sealed record ListingRejection(string Position, string Reason)
{
    public override string ToString() => $"{Position}: {Reason}";
}
