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
    private readonly ConcurrentDictionary<long, ReadPaper> _read = new();

    /// <summary>The digest templates rendered once for each shape of digest the run sends.</summary>
    public DigestFrames Frames { get; } = new();

    /// <summary>How many paper fragments the run rendered (for the logs).</summary>
    public int Count => _papers.Count;

    /// <summary>How many pieces the run rendered for its readers: lists of matched filters.</summary>
    public int Pieces => _matched.Count;

    /// <summary>
    /// The paper as this run read it, if no paper changed since: it was read (or last found unchanged) while the
    /// papers' version (<see cref="PaperStore.Version"/>) was still <paramref name="version"/>; else null.
    /// </summary>
    public Paper? Unchanged(long id, long version) =>
        _read.TryGetValue(id, out var read) && read.Version == version ? read.Paper : null;

    /// <summary>
    /// The paper as this run read it, if it has not changed since (its change time is still <paramref name="changedAt"/>),
    /// then known unchanged at <paramref name="version"/>; else null.
    /// </summary>
    public Paper? Read(long id, DateTimeOffset changedAt, long version)
    {
        if (!_read.TryGetValue(id, out var read) || read.ChangedAt != changedAt) return null;
        _read[id] = read with { Version = version };
        return read.Paper;
    }

    /// <summary>
    /// Keeps <paramref name="paper"/> for the run as read when its change time was <paramref name="changedAt"/> and the
    /// papers' version <paramref name="version"/> (both read before the paper itself).
    /// </summary>
    public void Remember(Paper paper, DateTimeOffset changedAt, long version) => _read[paper.Id] = new ReadPaper(changedAt, version, paper);

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
        return new DigestEntry(paper, item.Labels, paper.Abstract) { Rendered = fragment, Matched = matched, Marks = fragment.Excerpt.Fitting(item.MarkList()) };
    }

    private sealed record ReadPaper(DateTimeOffset ChangedAt, long Version, Paper Paper);
}
