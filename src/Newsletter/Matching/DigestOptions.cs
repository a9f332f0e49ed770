namespace Newsletter.Matching;

/// <summary>The <c>Digest</c> config section.</summary>
public sealed class DigestOptions
{
    public const string Section = "Digest";

    /// <summary>Cron expression of the recurring plan-and-send job (UTC).</summary>
    public string Cron { get; set; } = "*/15 * * * *";

    /// <summary>Most papers in one digest.</summary>
    public int MaxPapers { get; set; } = 20;

    /// <summary>Whether a digest with no papers is still sent.</summary>
    public bool SendEmpty { get; set; }

    /// <summary>Most characters of an abstract shown per paper (cut on a word boundary).</summary>
    public int ExcerptLength { get; set; } = 320;

    /// <summary>Each bad setting as one line naming its key; none when all are usable. Checked at start.</summary>
    public IEnumerable<string> Problems()
    {
        const string s = DigestOptions.Section;
        if (MaxPapers < 1) yield return $"{s}:MaxPapers must be at least 1";
        if (ExcerptLength < 40) yield return $"{s}:ExcerptLength must be at least 40";
    }
}
