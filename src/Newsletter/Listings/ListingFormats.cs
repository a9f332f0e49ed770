namespace Newsletter.Listings;

/// <summary>The names formats have in config and on the command line (<c>auto</c>, <c>papers-page</c>, ...).</summary>
public static class ListingFormats
{
    private static readonly (string Name, ListingFormat Format)[] Table =
    [
        ("auto", ListingFormat.Auto),
        ("papers-page", ListingFormat.PapersPage),
        ("hf-json", ListingFormat.HuggingFaceJson),
        ("arxiv-atom", ListingFormat.ArxivApiAtom),
        ("arxiv-rss", ListingFormat.ArxivRss),
    ];

    /// <summary>Every accepted name, in the order the help text lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(t => t.Name).ToArray();

    public static bool TryParse(string? name, out ListingFormat format)
    {
        foreach (var (n, f) in Table)
        {
            if (string.Equals(n, name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                format = f;
                return true;
            }
        }
        format = ListingFormat.Auto;
        return false;
    }

    public static ListingFormat Parse(string? name) =>
        TryParse(name, out var format)
            ? format
            : throw new ArgumentException($"unknown listing format '{name}' (use one of {string.Join(", ", Names)})");

    public static string Name(ListingFormat format) => Table.First(t => t.Format == format).Name;
}
