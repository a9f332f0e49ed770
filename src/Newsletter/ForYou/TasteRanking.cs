namespace Newsletter.ForYou;

/// <summary>
/// What a reader's taste changes in their digest: matched papers move a few places (the reader's order still leads),
/// and up to <see cref="MaxRecommendations"/> unmatched papers of the window are recommended.
/// </summary>
public static class TasteRanking
{
    /// <summary>Most papers in "Recommended for you".</summary>
    public const int MaxRecommendations = 3;

    /// <summary>
    /// Lowest cosine with the reader's profile (IDF-cubed, so small numbers) for a recommendation: below it the papers
    /// are about other things (measured over the fixture papers at k = 5: 0.015 shows 0.89 paper a reader, 0.91 of
    /// them on topic; 0.025 shows 0.57, 0.05 shows 0.12; see tests/BENCHMARKS.md "for-you").
    /// </summary>
    public const float Threshold = 0.015f;

    /// <summary>How many places a matched paper moves at most, up when liked-like, down when disliked-like.</summary>
    public const int MaxShift = 3;

    /// <summary>
    /// <paramref name="items"/> (in the reader's order) with each paper moved by up to <see cref="MaxShift"/> places:
    /// its taste score over <see cref="Threshold"/> (or under minus it) counts as the full shift, less in proportion;
    /// ties keep the reader's order. A paper outside the window keeps its place.
    /// </summary>
    public static List<T> Reorder<T>(IReadOnlyList<T> items, Func<T, long> paperOf, TasteScorer taste)
    {
        var keys = new (double Key, int Position)[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var index = taste.Window.IndexOf(paperOf(items[i]));
            var score = index < 0 ? 0 : taste.Score(index);
            keys[i] = (i - MaxShift * Math.Clamp(score / Threshold, -1, 1), i);
        }
        Array.Sort(keys);
        var ordered = new List<T>(items.Count);
        foreach (var (_, position) in keys) ordered.Add(items[position]);
        return ordered;
    }

    /// <summary>
    /// Up to <see cref="MaxRecommendations"/> window papers, best first, scoring at least <see cref="Threshold"/>,
    /// that the reader never marked, that were not <see cref="TasteScorer.Exclude"/>d (matched by one of their
    /// filters) and that <paramref name="eligible"/> allows (new to them). Only those papers are scored
    /// (<see cref="TasteScorer.Top"/>).
    /// </summary>
    public static IReadOnlyList<Recommendation> Recommend(TasteScorer taste, Func<long, bool> eligible)
    {
        if (taste.IsEmpty) return [];
        var best = taste.Top(Threshold, MaxRecommendations, eligible);
        return best.Select(b => taste.Resembles(b.Paper) is { } like
            ? new Recommendation(taste.Window.IdAt(b.Paper), b.Score, like.PaperId, like.Title)
            : new Recommendation(taste.Window.IdAt(b.Paper), b.Score, null, null)).ToList();
    }
}
