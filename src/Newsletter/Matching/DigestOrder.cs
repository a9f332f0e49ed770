namespace Newsletter.Matching;

/// <summary>How a reader's digest (and its preview) is ordered, and which papers make the cut.</summary>
public enum DigestOrder
{
    /// <summary>Most upvoted first, then best match; papers without upvotes after them, best match first.</summary>
    Trending,

    /// <summary>Best match first, whatever the upvotes.</summary>
    Relevance,
}
