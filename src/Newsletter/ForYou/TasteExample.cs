namespace Newsletter.ForYou;

/// <summary>A liked paper as a <see cref="TasteModel"/> remembers it: enough to say a recommendation resembles it (terms by <see cref="PaperTerms.Key"/>).</summary>
public sealed record TasteExample(long PaperId, string Title, IReadOnlyDictionary<ulong, float> Terms);
