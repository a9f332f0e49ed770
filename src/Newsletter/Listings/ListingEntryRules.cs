using System.Text;

namespace Newsletter.Listings;

/// <summary>What every parser checks before it accepts an entry: required fields, size caps, folded whitespace.</summary>
public static class ListingEntryRules
{
    public const int MaxTitleLength = 1_000;
    public const int MaxAbstractLength = 20_000;
    public const int MaxAuthorsLength = 20_000;
    public const int MaxUrlLength = 2_000;
    public const int MaxCategories = 50;

    /// <summary>A listing's one-line summary longer than this is not a one-line summary and is left out.</summary>
    public const int MaxAiSummaryLength = 1_000;

    /// <summary>Collapses runs of whitespace (line breaks included) into single spaces and trims.</summary>
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace) builder.Append(' ');
            builder.Append(c);
            pendingSpace = false;
        }
        return builder.ToString();
    }

    /// <summary>Why the entry cannot be stored, or null when it can.</summary>
    public static string? Problem(ListingEntry entry)
    {
        if (string.IsNullOrWhiteSpace(entry.Title)) return "no title";
        if (TitleNormalizer.Normalize(entry.Title).Length == 0) return "title has no letters or digits";
        if (string.IsNullOrWhiteSpace(entry.Abstract)) return $"\"{Shorten(entry.Title)}\" has no abstract";
        if (entry.Title.Length > MaxTitleLength) return $"title longer than {MaxTitleLength} characters";
        if (entry.Abstract.Length > MaxAbstractLength) return $"abstract longer than {MaxAbstractLength} characters";
        if (entry.Authors.Sum(a => a.Length + 2) > MaxAuthorsLength) return $"authors longer than {MaxAuthorsLength} characters";
        if (entry.Categories.Count > MaxCategories) return $"more than {MaxCategories} categories";
        foreach (var url in new[] { entry.AbsUrl, entry.PdfUrl, entry.HfUrl, entry.GithubUrl, entry.ProjectUrl })
        {
            if (url is { Length: > MaxUrlLength }) return $"link longer than {MaxUrlLength} characters";
        }
        return null;
    }

    /// <summary>Adds the entry to <paramref name="entries"/> or its rejection to <paramref name="rejections"/>.</summary>
    public static void Accept(ListingEntry entry, string position, List<ListingEntry> entries, ListingRejections rejections)
    {
        if (Problem(entry) is { } problem) rejections.Add(new ListingRejection(position, problem));
        else entries.Add(entry);
    }

    public static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
