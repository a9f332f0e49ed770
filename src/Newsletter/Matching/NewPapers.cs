namespace Newsletter.Matching;

/// <summary>Which papers of the run's window are new to one reader.</summary>
/// <remarks>A struct, not a delegate, so asking costs no allocation per reader and no indirect call per hit.</remarks>
internal readonly struct NewPapers
{
    private readonly long _after;
    private readonly DateTimeOffset? _seenAfter;
    private readonly IReadOnlyDictionary<long, WindowPaper>? _papers;

    private NewPapers(long after, DateTimeOffset? seenAfter, IReadOnlyDictionary<long, WindowPaper>? papers) =>
        (_after, _seenAfter, _papers) = (after, seenAfter, papers);

    /// <summary>Papers after the newest one the reader's previous digest covered.</summary>
    public static NewPapers After(long lastSeq) => new(lastSeq, null, null);

    /// <summary>For a first digest: papers first seen after <paramref name="cutoff"/>.</summary>
    public static NewPapers SeenAfter(DateTimeOffset cutoff, IReadOnlyDictionary<long, WindowPaper> papers) => new(0, cutoff, papers);

    /// <summary>Equal for two readers to whom the same papers are new.</summary>
    public (long After, DateTimeOffset? SeenAfter) Key => (_after, _seenAfter);

    public bool Contains(long paper) =>
        _seenAfter is not { } cutoff
            ? paper > _after
            : _papers!.TryGetValue(paper, out var p) && p.FirstSeenAt > cutoff;
}
