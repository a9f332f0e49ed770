namespace Newsletter.Storage;

/// <summary>A full-text search was interrupted because it used up its <see cref="QueryBudget"/>.</summary>
public sealed class QueryBudgetSpentException(TimeSpan budget)
    : Exception($"the search used up its budget of {budget.TotalMilliseconds:0} ms")
{
    /// <summary>The budget it had.</summary>
    public TimeSpan Budget { get; } = budget;
}
