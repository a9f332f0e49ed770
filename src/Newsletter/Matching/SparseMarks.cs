namespace Newsletter.Matching;

/// <summary>
/// Where the highlights decided for some of a keyword result's matches are (<see cref="MarkBook"/> handles), by the
/// match's index: items are drawn from a few of a result's matches (one in thirteen at 100,000 readers), so the
/// decided ones are kept as one array, <c>[count, index, handle, index, handle, …]</c> with the indexes ascending:
/// 8 bytes a decided match, and one array a result.
/// </summary>
internal static class SparseMarks
{
    /// <summary>The handle kept for <paramref name="index"/> in <paramref name="pairs"/>, or 0 when none is.</summary>
    public static int Get(int[] pairs, int index)
    {
        var at = Search(pairs, index);
        return at >= 0 ? pairs[2 + 2 * at] : 0;
    }

    /// <summary>Keeps <paramref name="handle"/> for <paramref name="index"/>, growing <paramref name="pairs"/> (made when null) as needed.</summary>
    public static void Set(ref int[]? pairs, int index, int handle)
    {
        pairs ??= new int[1 + 2 * 2];
        var at = Search(pairs, index);
        if (at >= 0)
        {
            pairs[2 + 2 * at] = handle;
            return;
        }
        at = ~at;
        var count = pairs[0];
        // Doubling: a result's matches are decided a page at a time, all through the run.
        if (1 + 2 * (count + 1) > pairs.Length) Array.Resize(ref pairs, 1 + 4 * count);
        Array.Copy(pairs, 1 + 2 * at, pairs, 1 + 2 * (at + 1), 2 * (count - at));
        (pairs[1 + 2 * at], pairs[2 + 2 * at], pairs[0]) = (index, handle, count + 1);
    }

    /// <summary>
    /// Where <paramref name="value"/> is among the indexes of <paramref name="pairs"/> (in pairs, not ints), or the
    /// complement of where it would go. A plain loop: this is asked for every (item, keyword label) of a run.
    /// </summary>
    private static int Search(int[] pairs, int value)
    {
        int low = 0, high = pairs[0] - 1;
        while (low <= high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            var at = pairs[1 + 2 * mid];
            if (at == value) return mid;
            if (at < value) low = mid + 1;
            else high = mid - 1;
        }
        return ~low;
    }
}
