using System.Text.RegularExpressions;

namespace Newsletter.Benchmarks.Data;

/// <summary>The words and phrases a catalog topic's FTS5 query looks for, so generated papers can mention them.</summary>
public static partial class TopicTerms
{
    private static readonly HashSet<string> Operators = ["AND", "OR", "NOT", "NEAR"];

    [GeneratedRegex("\"([^\"]+)\"|([A-Za-z][A-Za-z0-9]*)\\*?")]
    private static partial Regex Term();

    /// <summary>For <c>"state space" OR mamba OR quantiz*</c>: "state space", "mamba", "quantiz".</summary>
    public static IReadOnlyList<string> Of(string query)
    {
        var terms = new List<string>();
        foreach (Match match in Term().Matches(query))
        {
            var term = match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
            if (!Operators.Contains(term) && !terms.Contains(term)) terms.Add(term);
        }
        return terms;
    }
}
