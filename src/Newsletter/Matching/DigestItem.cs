using System.Runtime.InteropServices;

namespace Newsletter.Matching;

/// <summary>
/// One paper frozen into a digest: which paper, the labels of the reader's filters it matched (best first; see
/// <c>FilterLabel</c>), its score, and the words of its abstract those filters matched.
/// </summary>
public sealed record DigestItem(long Paper, IReadOnlyList<string> Labels, double Score)
{
    /// <summary>
    /// What to highlight in the paper's abstract, decided when planning: start/end pairs of UTF-16 offsets (end
    /// exclusive, ascending, not overlapping) into the abstract as it was then; empty when nothing (or, for rows
    /// planned before marks were recorded, unknown). Set once, when planning decides them (<c>AbstractMarks</c>):
    /// then a slice of the run's decided spans, which items of the same (paper, label) share; read from the ledger,
    /// an array of the item's own.
    /// </summary>
    public ReadOnlyMemory<int> Marks { get; internal set; }

    /// <summary>
    /// <see cref="Marks"/> as the send path takes them: null when none; the array itself when they are a whole one
    /// (as the ledger's items are), else a copy.
    /// </summary>
    public IReadOnlyList<int>? MarkList()
    {
        if (Marks.IsEmpty) return null;
        return MemoryMarshal.TryGetArray(Marks, out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length
            ? whole.Array : Marks.ToArray();
    }

    /// <summary>Whether planning's marking has taken the item in: its <see cref="Marks"/> are set, or will be once its page is marked.</summary>
    internal bool MarksTaken { get; set; }
}
