namespace Newsletter.Matching;

/// <summary>
/// The highlights decided for some of a keyword result's matches, by the match's index: items are drawn from a few of
/// a result's matches (one in thirteen at 100,000 readers), so a sorted list of the decided ones holds 12 bytes each
/// where a slot for every match held 8 bytes a match.
/// </summary>
internal sealed class SparseMarks
{
    private int[] _indexes = new int[4];  // ascending
    private int[][] _spans = new int[4][]; // aligned with _indexes
    private int _count;

    /// <summary>The spans decided for <paramref name="index"/>, or null when none were.</summary>
    public int[]? Get(int index)
    {
        var at = Search(_indexes, _count, index);
        return at >= 0 ? _spans[at] : null;
    }

    public void Set(int index, int[] spans)
    {
        var at = Search(_indexes, _count, index);
        if (at >= 0)
        {
            _spans[at] = spans;
            return;
        }
        at = ~at;
        if (_count == _indexes.Length)
        {
            Array.Resize(ref _indexes, _count * 2);
            Array.Resize(ref _spans, _count * 2);
        }
        Array.Copy(_indexes, at, _indexes, at + 1, _count - at);
        Array.Copy(_spans, at, _spans, at + 1, _count - at);
        (_indexes[at], _spans[at]) = (index, spans);
        _count++;
    }

    /// <summary>
    /// Where <paramref name="value"/> is among the first <paramref name="length"/> of <paramref name="sorted"/>, or the
    /// complement of where it would go. A plain loop: Array.BinarySearch goes through the
    /// generic comparer, several times slower, and this is asked for every (item, keyword label) of a run.
    /// </summary>
    private static int Search(int[] sorted, int length, int value)
    {
        int low = 0, high = length - 1;
        while (low <= high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            var at = sorted[mid];
            if (at == value) return mid;
            if (at < value) low = mid + 1;
            else high = mid - 1;
        }
        return ~low;
    }
}
