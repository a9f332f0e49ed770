using System.Collections;

namespace Newsletter.Matching;

/// <summary>
/// A ranked item's labels together with the evaluated filters they name and where the item's paper is in each, label
/// by label: marking the item reads each label's highlights from its filter without looking the label or the paper
/// up again (two million items a run at 100,000 readers). Everywhere else it is just the list of labels.
/// </summary>
internal sealed class MatchedLabels(string[] labels, (FilterResult Result, int Index)[] matches) : IReadOnlyList<string>
{
    /// <summary>
    /// The evaluated filter the label at <paramref name="label"/> names, and the index of the item's paper among its
    /// matches (<see cref="FilterResult.IndexOf"/>); -1 in the one-label list a filter shares, which names no paper.
    /// </summary>
    public (FilterResult Result, int Index) MatchAt(int label) => matches[label];

    /// <summary>Every label's filter and match, in label order.</summary>
    public ReadOnlySpan<(FilterResult Result, int Index)> Matches => matches;

    public string this[int index] => labels[index];

    public int Count => labels.Length;

    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)labels).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
