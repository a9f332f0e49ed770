using System.Collections;

namespace Newsletter.Matching;

/// <summary>
/// A ranked item's labels together with the evaluated filters they name, label by label: marking the item reads each
/// label's matches from its filter instead of looking the label up again (two million items a run at 100,000
/// readers). Everywhere else it is just the list of labels.
/// </summary>
internal sealed class MatchedLabels(string[] labels, FilterResult[] results) : IReadOnlyList<string>
{
    /// <summary>The evaluated filter the label at <paramref name="index"/> names.</summary>
    public FilterResult ResultAt(int index) => results[index];

    public string this[int index] => labels[index];

    public int Count => labels.Length;

    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)labels).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
