namespace Newsletter.Listings;

/// <summary>One paper as a listing describes it, before it is merged into the papers table.</summary>
public sealed record ListingEntry : PaperFacts
{
    public ListingEntry(string title, string @abstract)
    {
        Title = title;
        Abstract = @abstract;
    }

    public IReadOnlyList<string> Authors { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>
    /// An announcement of a new version (arXiv <c>replace</c>): it updates the paper when it is already stored and
    /// is never inserted, so it never reaches readers as new.
    /// </summary>
    public bool UpdateOnly { get; init; }
}
