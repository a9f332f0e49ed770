using System.Text;
using Scriban.Runtime;

namespace Newsletter.Delivery;

/// <summary>
/// Where a paper's template writes when its fragment is rendered for a run: the text is kept, and the values that
/// stand for the reader's pieces (found by reference, as Scriban hands over the very string the model holds) cut it
/// into runs with holes between them.
/// </summary>
internal sealed class FragmentRecorder : IScriptOutput
{
    /// <summary>The model's value where the matched filters go; never written as text.</summary>
    public static readonly string MatchedHole = new('\u0001', 2);

    /// <summary>The model's value where the excerpt goes; never written as text.</summary>
    public static readonly string ExcerptHole = new('\u0001', 3);

    /// <summary>The model's value where the reader's "more / less like this" address goes; never written as text.</summary>
    public static readonly string FeedbackHole = new('\u0001', 4);

    private readonly StringBuilder _run = new();
    private readonly List<string> _runs = [];
    private readonly List<FragmentText.Hole> _holes = [];

    public void Write(string text, int offset, int count)
    {
        if (offset == 0 && count == text.Length && HoleOf(text) is { } hole)
        {
            _runs.Add(_run.ToString());
            _run.Clear();
            _holes.Add(hole);
            return;
        }
        _run.Append(text, offset, count);
    }

    private static FragmentText.Hole? HoleOf(string text) =>
        ReferenceEquals(text, MatchedHole) ? FragmentText.Hole.Matched
        : ReferenceEquals(text, ExcerptHole) ? FragmentText.Hole.Excerpt
        : ReferenceEquals(text, FeedbackHole) ? FragmentText.Hole.Feedback
        : null;

    public ValueTask WriteAsync(string text, int offset, int count, CancellationToken cancellationToken)
    {
        Write(text, offset, count);
        return ValueTask.CompletedTask;
    }

    /// <summary>The recorded text; <paramref name="dropLastLineEnd"/> takes off the line end the template file closes with.</summary>
    public FragmentText Finish(bool dropLastLineEnd)
    {
        var last = _run.ToString();
        if (dropLastLineEnd && last.EndsWith('\n')) last = last[..^1];
        var runs = _runs.Append(last).ToList();
        // A template that changed a reader's value (a filter on it) would show the stand-in: fail loudly instead.
        if (runs.Any(r => r.Contains(MatchedHole[0])))
            throw new InvalidOperationException("a paper template must place paper.matched_html/_text, paper.excerpt_html and paper.feedback_url as they are");
        return new FragmentText(runs, _holes);
    }
}
