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

    /// <summary>
    /// Threads that rank a planning run's readers at once: 0 (the default) takes the machine's processor count, at
    /// most <see cref="MaxDefaultPlanningWorkers"/>. With 1 the planner ranks and marks each page itself while one
    /// writer stores the page before; with more, reading, ranking (on that many threads), marking and writing
    /// overlap. The digests planned are the same either way.
    /// </summary>
    public int PlanningWorkers { get; set; }

    /// <summary>Most threads the default of <see cref="PlanningWorkers"/> takes: beyond them the other steps of a page decide its time.</summary>
    public const int MaxDefaultPlanningWorkers = 4;

    /// <summary>The number of ranking threads <see cref="PlanningWorkers"/> asks for on this machine.</summary>
    public int PlanningThreads => PlanningWorkers > 0 ? PlanningWorkers : Math.Min(Environment.ProcessorCount, MaxDefaultPlanningWorkers);

    /// <summary>Each bad setting as one line naming its key; none when all are usable. Checked at start.</summary>
    public IEnumerable<string> Problems()
    {
        const string s = DigestOptions.Section;
        if (MaxPapers < 1) yield return $"{s}:MaxPapers must be at least 1";
        if (ExcerptLength < 40) yield return $"{s}:ExcerptLength must be at least 40";
        if (PlanningWorkers is < 0 or > 64) yield return $"{s}:PlanningWorkers must be 0 (the machine's processors) to 64";
    }
}
