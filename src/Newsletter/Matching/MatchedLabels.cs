using System.Collections;

namespace Newsletter.Matching;

/// <summary>
/// A ranked item's labels together with the evaluated filters they name and where the item's paper is in each, label
/// by label: marking the item reads each label's highlights from its filter without looking the label or the paper
/// up again (two million items a run at 100,000 readers). Everywhere else it is just the list of labels.
/// </summary>
/// <remarks>A label is its filter's <see cref="FilterResult.Label"/>: read from there, not kept in an array of its own per item.</remarks>
internal sealed class MatchedLabels : IReadOnlyList<string>
{
    // Several labels with the item's place in each; or, in the list a filter shares, just the filter (no array: a run
    // holds one such list for each of its ~41,000 keywords that matched).
    private readonly (FilterResult Result, int Index)[]? _matches;
    private readonly FilterResult? _only;

    /// <summary>An item's labels: each filter, and where the item's paper is among its matches.</summary>
    public MatchedLabels((FilterResult Result, int Index)[] matches) => _matches = matches;

    /// <summary>The one-label list <paramref name="only"/> shares among the items only it matched; it names no paper.</summary>
    public MatchedLabels(FilterResult only) => _only = only;

    /// <summary>
    /// The evaluated filter the label at <paramref name="label"/> names, and the index of the item's paper among its
    /// matches (<see cref="FilterResult.IndexOf"/>); -1 in the one-label list a filter shares, which names no paper.
    /// </summary>
    public (FilterResult Result, int Index) MatchAt(int label) =>
        _matches is { } matches ? matches[label] : label == 0 ? (_only!, -1) : throw new ArgumentOutOfRangeException(nameof(label));

    public string this[int index] => MatchAt(index).Result.Label;

    public int Count => _matches?.Length ?? 1;

    public IEnumerator<string> GetEnumerator()
    {
        for (var l = 0; l < Count; l++) yield return this[l];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
