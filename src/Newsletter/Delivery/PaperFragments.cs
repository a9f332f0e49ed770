using System.Collections.Concurrent;
using Newsletter.Listings;
using Newsletter.Matching;

namespace Newsletter.Delivery;

/// <summary>
/// What one sending run rendered, placed as is in every digest that holds it: each paper once (a run sends the same
/// few hundred papers to thousands of readers), each list of matched filters once, each paper's excerpt once per set
/// of highlights. Bounded by the window's papers and the readers' distinct filter lists, not by the digests sent.
/// Lives as long as the run (papers can be updated between runs).
/// </summary>
public sealed class PaperFragments
{
    private readonly ConcurrentDictionary<(long Paper, bool Matched), PaperFragment> _papers = new();
    private readonly ConcurrentDictionary<string, ReaderPiece> _matched = new(StringComparer.Ordinal);

    /// <summary>How many paper fragments the run rendered (for the logs).</summary>
    public int Count => _papers.Count;

    /// <summary>How many pieces the run rendered for its readers: lists of matched filters and highlighted excerpts.</summary>
    public int Pieces => _matched.Count + _papers.Values.Sum(p => p.Excerpts);

    /// <summary>The paper as <paramref name="item"/> shows it in an email, every part of it rendered at most once this run.</summary>
    public DigestEntry Entry(Paper paper, DigestItem item, DigestRenderer renderer)
    {
        var key = (paper.Id, item.Labels.Count > 0);
        var fragment = _papers.GetOrAdd(key, _ => renderer.Fragment(paper, key.Item2, hasFeedback: true));
        // Keyed by id, checked against the whole paper: one edited during the run is rendered anew.
        if (!fragment.Paper.Equals(paper))
        {
            fragment = renderer.Fragment(paper, key.Item2, hasFeedback: true);
            _papers[key] = fragment;
        }
        var matched = _matched.GetOrAdd(string.Join('\n', item.Labels), _ => renderer.Matched(item.Labels));
        var marks = item.Marks is { Length: > 0 } m ? string.Join(',', m) : "";
        var excerpt = fragment.Excerpt(marks, () => renderer.Excerpt(DigestExcerpt.Mark(paper.Abstract, item.Marks), fragment.Text.ExcerptIndent));
        return new DigestEntry(paper, item.Labels, paper.Abstract) { Rendered = fragment, Matched = matched, Excerpt = excerpt };
    }
}
