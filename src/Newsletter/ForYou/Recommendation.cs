namespace Newsletter.ForYou;

/// <summary>A paper no filter matched that a reader's taste model scores high, and the liked paper it resembles (id and title), if any.</summary>
public sealed record Recommendation(long PaperId, float Score, long? ResemblesId, string? ResemblesTitle);
