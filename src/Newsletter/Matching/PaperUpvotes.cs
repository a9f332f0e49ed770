namespace Newsletter.Matching;

/// <summary>
/// The upvotes of a window's papers (0 when none), by paper: a paper's count is the same in every filter that matched
/// it, so a window keeps one array for all of its results instead of each result one per hit (4 bytes a hit, ~20 MB
/// at 1,000,000 readers).
/// </summary>
internal sealed class PaperUpvotes
{
    /// <summary>No paper has upvotes.</summary>
    public static readonly PaperUpvotes None = new(0, []);

    private readonly long _first;   // the lowest paper with upvotes: _counts counts from it
    private readonly int[] _counts;

    private PaperUpvotes(long first, int[] counts) => (_first, _counts) = (first, counts);

    /// <summary>The counts of <paramref name="papers"/> (a window's: ids of one run, so the array spans the run).</summary>
    public static PaperUpvotes Of(IEnumerable<(long Paper, int Upvotes)> papers)
    {
        long low = long.MaxValue, high = long.MinValue;
        foreach (var (paper, upvotes) in papers)
        {
            if (upvotes == 0) continue;
            (low, high) = (Math.Min(low, paper), Math.Max(high, paper));
        }
        if (low > high) return None;
        if (high - low >= Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(papers), "papers too far apart for one window");
        var counts = new int[high - low + 1];
        foreach (var (paper, upvotes) in papers)
        {
            if (upvotes != 0) counts[paper - low] = upvotes;
        }
        return new PaperUpvotes(low, counts);
    }

    /// <summary>The upvotes of <paramref name="paper"/>; 0 when it has none or is not in the window.</summary>
    public int Of(long paper)
    {
        var at = paper - _first;
        var counts = _counts;
        return (ulong)at < (ulong)counts.Length ? counts[at] : 0;
    }
}
