namespace Newsletter.Matching;

/// <summary>
/// Where the highlights decided for a result's matches are (<see cref="MarkBook"/> handles, 0 for none), by the
/// match's index, in one array a result: sparse, <c>[count, index, handle, index, handle, …]</c> with the indexes
/// ascending, 8 bytes a decided match; or dense, <c>[-1, handle, handle, …]</c>, a slot for every match.
/// </summary>
/// <remarks>
/// A keyword's items are drawn from a few of its matches (one in thirteen at 100,000 readers), so it starts sparse;
/// one whose pairs would take as many bytes as a slot a match turns dense when the pairs would grow, and a topic's
/// (most of whose matches are drawn into digests) is dense from the start.
/// </remarks>
internal static class DecidedMarks
{
    private const int Dense = -1;

    /// <summary>The handle kept for <paramref name="index"/> in <paramref name="marks"/>, or 0 when none is.</summary>
    public static int Get(int[] marks, int index)
    {
        if (marks[0] == Dense) return marks[1 + index];
        var at = Search(marks, index);
        return at >= 0 ? marks[2 + 2 * at] : 0;
    }

    /// <summary>
    /// Keeps <paramref name="handle"/> for <paramref name="index"/> of a result's <paramref name="matches"/>, growing
    /// <paramref name="marks"/> (made when null: dense when <paramref name="dense"/>) as needed.
    /// </summary>
    public static void Set(ref int[]? marks, int index, int handle, int matches, bool dense)
    {
        marks ??= dense ? DenseOf(matches) : new int[1 + 2 * 2];
        if (marks[0] == Dense)
        {
            marks[1 + index] = handle;
            return;
        }
        var at = Search(marks, index);
        if (at >= 0)
        {
            marks[2 + 2 * at] = handle;
            return;
        }
        at = ~at;
        var count = marks[0];
        if (1 + 2 * (count + 1) > marks.Length)
        {
            // Doubling (a result's matches are decided a page at a time, all through the run), unless twice the pairs
            // would take the room of a slot a match: then a slot a match is the smaller.
            if (4 * count >= matches)
            {
                marks = Densified(marks, matches);
                marks[1 + index] = handle;
                return;
            }
            Array.Resize(ref marks, 1 + 4 * count);
        }
        Array.Copy(marks, 1 + 2 * at, marks, 1 + 2 * (at + 1), 2 * (count - at));
        (marks[1 + 2 * at], marks[2 + 2 * at], marks[0]) = (index, handle, count + 1);
    }

    private static int[] DenseOf(int matches)
    {
        var marks = new int[1 + matches];
        marks[0] = Dense;
        return marks;
    }

    private static int[] Densified(int[] pairs, int matches)
    {
        var marks = DenseOf(matches);
        for (var i = 0; i < pairs[0]; i++) marks[1 + pairs[1 + 2 * i]] = pairs[2 + 2 * i];
        return marks;
    }

    /// <summary>
    /// Where <paramref name="value"/> is among the indexes of sparse <paramref name="pairs"/> (in pairs, not ints), or
    /// the complement of where it would go. A plain loop: this is asked for every (item, keyword label) of a run.
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
