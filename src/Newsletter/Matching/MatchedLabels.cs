using System.Collections;

namespace Newsletter.Matching;

/// <summary>
/// A ranked item's labels together with the evaluated filters they name and where the item's paper is in each, label
/// by label: marking the item reads each label's highlights from its filter without looking the label or the paper
/// up again (two million items a run at 100,000 readers). Everywhere else it is just the list of labels.
/// </summary>
/// <remarks>A label is its filter's <see cref="FilterResult.Label"/>: read from there, not kept in an array of its own per item.</remarks>
internal sealed class MatchedLabels((FilterResult Result, int Index)[] matches) : IReadOnlyList<string>
{
    /// <summary>
    /// The evaluated filter the label at <paramref name="label"/> names, and the index of the item's paper among its
    /// matches (<see cref="FilterResult.IndexOf"/>); -1 in the one-label list a filter shares, which names no paper.
    /// </summary>
    public (FilterResult Result, int Index) MatchAt(int label) => matches[label];

    /// <summary>Every label's filter and match, in label order.</summary>
    public ReadOnlySpan<(FilterResult Result, int Index)> Matches => matches;

    public string this[int index] => matches[index].Result.Label;

    public int Count => matches.Length;

    public IEnumerator<string> GetEnumerator()
    {
        foreach (var (result, _) in matches) yield return result.Label;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
