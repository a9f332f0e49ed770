using System.Collections.Concurrent;
using Newsletter.Listings;

namespace Newsletter.Delivery;

/// <summary>
/// The papers of one sending run, each rendered once per set of labels and placed as is in every digest that holds
/// it: a run sends the same few hundred papers to thousands of readers. Lives as long as the run (papers can be
/// updated between runs); keyed by the whole paper, so an update within a run renders anew.
/// </summary>
public sealed class PaperFragments
{
    private readonly ConcurrentDictionary<(Paper Paper, string Labels), PaperFragment> _rendered = new();

    /// <summary>How many fragments the run rendered (for the logs).</summary>
    public int Count => _rendered.Count;

    /// <summary>The fragment of <paramref name="paper"/> with <paramref name="labels"/>, if this run rendered it.</summary>
    public PaperFragment? Find(Paper paper, IReadOnlyList<string> labels) => _rendered.GetValueOrDefault((paper, Key(labels)));

    /// <summary>Keeps a fragment for the rest of the run.</summary>
    public void Add(Paper paper, IReadOnlyList<string> labels, PaperFragment fragment) => _rendered.TryAdd((paper, Key(labels)), fragment);

    private static string Key(IReadOnlyList<string> labels) => string.Join('\n', labels);
}
