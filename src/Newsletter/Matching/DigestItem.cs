namespace Newsletter.Matching;

/// <summary>
/// One paper frozen into a digest: which paper, the labels of the reader's filters it matched (best first; see
/// <c>FilterLabel</c>), its score, and the words of its abstract those filters matched.
/// </summary>
public sealed record DigestItem(long Paper, IReadOnlyList<string> Labels, double Score)
{
    /// <summary>
    /// What to highlight in the paper's abstract, decided when planning: start/end pairs of UTF-16 offsets (end
    /// exclusive, ascending, not overlapping) into the abstract as it was then; null when nothing (or, for rows
    /// planned before marks were recorded, unknown). Set once, when planning decides them (<c>AbstractMarks</c>).
    /// </summary>
    public int[]? Marks { get; internal set; }

    /// <summary>Whether planning's marking has taken the item in: its <see cref="Marks"/> are set, or will be once its page is marked.</summary>
    internal bool MarksTaken { get; set; }
}
