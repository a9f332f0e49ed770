namespace Newsletter.Papers;

/// <summary>A paper as the public pages and feeds show it.</summary>
public sealed record ListedPaper
{
    public long Id { get; init; }

    /// <summary>The paper's lasting identity (arXiv id without version, else a hash of its title): feed entry ids use it.</summary>
    public string Key { get; init; } = "";
    public string? ArxivId { get; init; }
    public string Title { get; init; } = "";
    public string Abstract { get; init; } = "";
    public string Authors { get; init; } = "";
    public int? Upvotes { get; init; }

    /// <summary>The paper's page: arXiv abstract, else Hugging Face.</summary>
    public string? Url { get; init; }
    public string? PdfUrl { get; init; }

    /// <summary>The day it belongs to on the papers page (<c>yyyy-MM-dd</c>): published, else first seen.</summary>
    public string Day { get; init; } = "";
    public DateTimeOffset FirstSeenAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
