using System.Collections.Concurrent;
using Newsletter.Listings;
using Newsletter.Matching;

namespace Newsletter.Delivery;

/// <summary>
/// What one sending run read and rendered, placed as is in every digest that holds it: each paper read once (and
/// again only when it changed) and rendered once, its excerpt included (a run sends the same few hundred papers to
/// thousands of readers), and each list of matched filters once; a reader's highlights are placed while their digest
/// is written. Bounded by the window's papers, the digests' shapes and <paramref name="piecesAtMost"/> lists of filters,
/// not by the digests sent.
/// Lives as long as the run (papers can be updated between runs).
/// </summary>
/// <param name="piecesAtMost">
/// How many lists of filters are kept rendered: the readers' lists are nearly as many as the readers (6,700 of them
/// for 20,000 digests), so the kept ones start over once this many are kept; the common lists come back at once.
/// </param>
public sealed class PaperFragments(int piecesAtMost = 2048)
{
    private readonly ConcurrentDictionary<(long Paper, bool Matched), PaperFragment> _papers = new();
    private readonly ConcurrentDictionary<string, ReaderPiece> _matched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, (DateTimeOffset ChangedAt, Paper Paper)> _read = new();
    // Counted apart: ConcurrentDictionary.Count takes every lock.
    private int _kept;
    private int _rendered;

    /// <summary>The digest templates rendered once for each shape of digest the run sends.</summary>
    public DigestFrames Frames { get; } = new();

    /// <summary>How many paper fragments the run rendered (for the logs).</summary>
    public int Count => _papers.Count;

    /// <summary>How many pieces the run rendered for its readers: lists of matched filters (a list again once it was let go).</summary>
    public int Pieces => _rendered;

    /// <summary>How many of those are kept now (at most the bound given).</summary>
    public int PiecesKept => _matched.Count;

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
        return new DigestEntry(paper, item.Labels, paper.Abstract) { Rendered = fragment, Matched = Piece(item.Labels, renderer), Marks = fragment.Excerpt.Fitting(item.Marks) };
    }

    private ReaderPiece Piece(IReadOnlyList<string> labels, DigestRenderer renderer)
    {
        var key = string.Join('\n', labels);
        if (_matched.TryGetValue(key, out var piece)) return piece;
        piece = renderer.Matched(labels);
        Interlocked.Increment(ref _rendered);
        if (Interlocked.Increment(ref _kept) > piecesAtMost)
        {
            // Two threads may both start over: harmless, a piece is the same whoever renders it.
            _matched.Clear();
            Interlocked.Exchange(ref _kept, 1);
        }
        return _matched.GetOrAdd(key, piece);
    }
}
