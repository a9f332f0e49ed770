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

    /// <summary>Each bad setting as one line naming its key; none when all are usable. Checked at start.</summary>
    public IEnumerable<string> Problems()
    {
        const string q = QueryOptions.Section;
        if (MaxTerms is < 1 or > 100) yield return $"{q}:MaxTerms must be between 1 and 100";
        if (MaxPrefixTerms is < 0 or > 10) yield return $"{q}:MaxPrefixTerms must be between 0 and 10";
        if (MinPrefixLength is < 1 or > 20) yield return $"{q}:MinPrefixLength must be between 1 and 20";
        if (MaxOrBranches is < 1 or > 100) yield return $"{q}:MaxOrBranches must be between 1 and 100";
        if (MaxNearPhrases is < 1 or > 20) yield return $"{q}:MaxNearPhrases must be between 1 and 20";
        if (MaxNearDistance is < 0 or > 1000) yield return $"{q}:MaxNearDistance must be between 0 and 1000";
        if (MaxDepth is < 0 or > 20) yield return $"{q}:MaxDepth must be between 0 and 20";
        if (RequestBudgetMs is < 1 or > 60_000) yield return $"{q}:RequestBudgetMs must be between 1 and 60000";
        if (PlanningBudgetMs is < 1 or > 600_000) yield return $"{q}:PlanningBudgetMs must be between 1 and 600000";
    }
}
