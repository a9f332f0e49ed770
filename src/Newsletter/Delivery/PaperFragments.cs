using System.Collections.Concurrent;
using Newsletter.Listings;
using Newsletter.Matching;

namespace Newsletter.Delivery;

/// <summary>
/// The papers of one sending run, each rendered once per set of labels and marks and placed as is in every digest
/// that holds it: a run sends the same few hundred papers to thousands of readers. Lives as long as the run (papers
/// can be updated between runs); keyed by the whole paper, so an update within a run renders anew.
/// </summary>
public sealed class PaperFragments
{
    private readonly ConcurrentDictionary<(Paper Paper, string Item), PaperFragment> _rendered = new();

    /// <summary>How many fragments the run rendered (for the logs).</summary>
    public int Count => _rendered.Count;

    /// <summary>The fragment of <paramref name="paper"/> as <paramref name="item"/> shows it, if this run rendered it.</summary>
    public PaperFragment? Find(Paper paper, DigestItem item) => _rendered.GetValueOrDefault((paper, Key(item)));

    /// <summary>Keeps a fragment for the rest of the run.</summary>
    public void Add(Paper paper, DigestItem item, PaperFragment fragment) => _rendered.TryAdd((paper, Key(item)), fragment);

    /// <summary>What of an item a fragment shows besides its paper: the labels, and the marks (rows planned apart may differ).</summary>
    public static string Key(DigestItem item) =>
        item.Marks is { Length: > 0 } marks ? string.Join('\n', item.Labels) + "\n#" + string.Join(',', marks) : string.Join('\n', item.Labels);
}
