namespace Newsletter.Matching;

/// <summary>The text form of <see cref="DigestOrder"/> used in the database, the API, forms and CSV.</summary>
public static class DigestOrders
{
    public const string Trending = "trending", Relevance = "relevance";

    /// <summary>The order a stored or validated text names; anything else is <see cref="DigestOrder.Trending"/>.</summary>
    public static DigestOrder Parse(string? text) =>
        string.Equals(text, Relevance, StringComparison.OrdinalIgnoreCase) ? DigestOrder.Relevance : DigestOrder.Trending;

    /// <summary>The text form of an order.</summary>
    public static string Name(DigestOrder order) => order == DigestOrder.Relevance ? Relevance : Trending;
}
