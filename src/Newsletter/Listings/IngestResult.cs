namespace Newsletter.Listings;

/// <summary>What one source added: counts for the summary line and the rejections behind them.</summary>
public sealed record IngestResult(string Source, int New, int Duplicate, ListingRejections Rejections)
{
    /// <summary>True when an HTTP source answered 304: nothing new since the last fetch.</summary>
    public bool NotModified { get; init; }

    public override string ToString() => $"ingested {Source}: {New} new, {Duplicate} duplicate, {Rejections.Total} rejected";
}
