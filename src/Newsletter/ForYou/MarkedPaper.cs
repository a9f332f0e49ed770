namespace Newsletter.ForYou;

/// <summary>A paper a reader marked, with the text the taste model learns from.</summary>
/// <param name="Liked">True for "more like this" and "papers I like", false for "less like this".</param>
public sealed record MarkedPaper(long PaperId, string Title, string Abstract, bool Liked);
