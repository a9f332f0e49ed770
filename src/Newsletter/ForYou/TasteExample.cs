namespace Newsletter.ForYou;

/// <summary>A liked paper as a <see cref="TasteModel"/> remembers it: enough to say a recommendation resembles it.</summary>
public sealed record TasteExample(long PaperId, string Title, IReadOnlyDictionary<string, float> Terms);
