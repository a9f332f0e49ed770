namespace Newsletter.Digests;

/// <summary>One distinct filter evaluated over a run's window: its hits best first, and a lookup by paper.</summary>
internal sealed class FilterResult(string label, FilterHit[] hits)
{
    public static readonly FilterResult None = new("", []);

    private readonly Dictionary<long, double> _byPaper = hits.ToDictionary(h => h.Paper, h => h.Rank);

    /// <summary>How the filter is named in a digest: the topic slug or the keyword query.</summary>
    public string Label { get; } = label;

    /// <summary>Matches ordered by rank (highest first), ties in listing order.</summary>
    public FilterHit[] Hits { get; } = hits;

    public bool TryGetRank(long paper, out double rank) => _byPaper.TryGetValue(paper, out rank);
}
