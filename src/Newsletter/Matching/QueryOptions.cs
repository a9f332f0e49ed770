namespace Newsletter.Matching;

/// <summary>
/// The <c>Queries</c> config section: what a reader's keyword query may ask of the full-text index, and how long
/// any full-text query may run before it is interrupted.
/// </summary>
public sealed class QueryOptions
{
    public const string Section = "Queries";

    /// <summary>Words (letters or digits between separators) in one keyword query, counting every phrase's words.</summary>
    public int MaxTerms { get; set; } = 12;

    /// <summary>Prefix searches (<c>quantiz*</c>) in one keyword query.</summary>
    public int MaxPrefixTerms { get; set; } = 2;

    /// <summary>Letters or digits a prefix needs before its <c>*</c>: a short prefix stands for thousands of words.</summary>
    public int MinPrefixLength { get; set; } = 3;

    /// <summary>Alternatives joined by OR in one keyword query.</summary>
    public int MaxOrBranches { get; set; } = 6;

    /// <summary>Phrases in one NEAR(…) group.</summary>
    public int MaxNearPhrases { get; set; } = 4;

    /// <summary>Largest distance in NEAR(…, N).</summary>
    public int MaxNearDistance { get; set; } = 20;

    /// <summary>Deepest nesting of parentheses.</summary>
    public int MaxDepth { get; set; } = 3;

    /// <summary>Milliseconds of full-text work one web request (a preview) may spend before it is interrupted.</summary>
    public int RequestBudgetMs { get; set; } = 150;

    /// <summary>Milliseconds one filter's query may run in a planning run before it is skipped with a warning.</summary>
    public int PlanningBudgetMs { get; set; } = 5000;
}
