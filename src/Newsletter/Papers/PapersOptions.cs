namespace Newsletter.Papers;

/// <summary>The <c>Papers</c> config section: how much the public papers page and the Atom feeds show.</summary>
public sealed class PapersOptions
{
    public const string Section = "Papers";

    /// <summary>Days of papers on one page of <c>/papers</c>; an "older" link leads to the next.</summary>
    public int DaysPerPage { get; set; } = 3;

    /// <summary>Most papers shown for one day (most upvoted first); the rest are counted.</summary>
    public int PapersPerDay { get; set; } = 50;

    /// <summary>How many days back a search on <c>/papers</c> looks.</summary>
    public int SearchDays { get; set; } = 30;

    /// <summary>Most papers a search shows (best first).</summary>
    public int SearchResults { get; set; } = 100;

    /// <summary>Most entries in any Atom feed.</summary>
    public int FeedEntries { get; set; } = 50;

    /// <summary>How many days back a topic's feed looks.</summary>
    public int FeedDays { get; set; } = 30;

    /// <summary>How long clients and proxies may keep a feed (<c>Cache-Control: max-age</c>), in seconds.</summary>
    public int FeedCacheSeconds { get; set; } = 900;

    /// <summary>Each bad setting as one line naming its key; none when all are usable. Checked at start.</summary>
    public IEnumerable<string> Problems()
    {
        const string s = PapersOptions.Section;
        if (DaysPerPage is < 1 or > 31) yield return $"{s}:DaysPerPage must be between 1 and 31";
        if (PapersPerDay is < 1 or > 500) yield return $"{s}:PapersPerDay must be between 1 and 500";
        if (SearchDays is < 1 or > 365) yield return $"{s}:SearchDays must be between 1 and 365";
        if (SearchResults is < 1 or > 500) yield return $"{s}:SearchResults must be between 1 and 500";
        if (FeedEntries is < 1 or > 500) yield return $"{s}:FeedEntries must be between 1 and 500";
        if (FeedDays is < 1 or > 365) yield return $"{s}:FeedDays must be between 1 and 365";
        if (FeedCacheSeconds is < 0 or > 86_400) yield return $"{s}:FeedCacheSeconds must be between 0 and 86400";
    }
}
