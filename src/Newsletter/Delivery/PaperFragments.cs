using System.Collections.Concurrent;
using Newsletter.Listings;
using Newsletter.Matching;

namespace Newsletter.Delivery;

/// <summary>
/// What one sending run read and rendered, placed as is in every digest that holds it: each paper read once (and
/// again only when it changed) and rendered once, its excerpt included (a run sends the same few hundred papers to
/// thousands of readers), and each list of matched filters once; a reader's highlights are placed while their digest
/// is written. Bounded by the window's papers and the readers'
/// distinct filter lists, not by the digests sent.
/// Lives as long as the run (papers can be updated between runs).
/// </summary>
public sealed class PaperFragments
{
    private readonly ConcurrentDictionary<(long Paper, bool Matched), PaperFragment> _papers = new();
    private readonly ConcurrentDictionary<string, ReaderPiece> _matched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, (DateTimeOffset ChangedAt, Paper Paper)> _read = new();

    /// <summary>The digest templates rendered once for each shape of digest the run sends.</summary>
    public DigestFrames Frames { get; } = new();

    /// <summary>How many paper fragments the run rendered (for the logs).</summary>
    public int Count => _papers.Count;

    /// <summary>How many pieces the run rendered for its readers: lists of matched filters.</summary>
    public int Pieces => _matched.Count;

    /// <summary>The paper as this run read it, if it has not changed since (its change time is still <paramref name="changedAt"/>); else null.</summary>
    public Paper? Read(long id, DateTimeOffset changedAt) =>
        _read.TryGetValue(id, out var read) && read.ChangedAt == changedAt ? read.Paper : null;

    /// <summary>Keeps <paramref name="paper"/> for the run as read when its change time was <paramref name="changedAt"/> (read before the paper itself).</summary>
    public void Remember(Paper paper, DateTimeOffset changedAt) => _read[paper.Id] = (changedAt, paper);

    /// <summary>The paper as <paramref name="item"/> shows it in an email, every part of it rendered at most once this run.</summary>
    public DigestEntry Entry(Paper paper, DigestItem item, DigestRenderer renderer)
    {
        var key = (paper.Id, item.Labels.Count > 0);
        // Static factories with their state passed: no closure is made for the lookups that find one (nearly all).
        var fragment = _papers.GetOrAdd(key, static (key, state) => state.renderer.Fragment(state.paper, key.Matched, hasFeedback: true), (paper, renderer));
        // Keyed by id, checked against the whole paper: one edited during the run is rendered anew.
        if (!fragment.Paper.Equals(paper))
        {
            fragment = renderer.Fragment(paper, key.Item2, hasFeedback: true);
            _papers[key] = fragment;
        }
        var matched = _matched.GetOrAdd(string.Join('\n', item.Labels), static (_, state) => state.renderer.Matched(state.Labels), (renderer, item.Labels));
        return new DigestEntry(paper, item.Labels, paper.Abstract) { Rendered = fragment, Matched = matched, Marks = fragment.Excerpt.Fitting(item.Marks) };
    }
}
