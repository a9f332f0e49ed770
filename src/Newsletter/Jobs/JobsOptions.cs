namespace Newsletter.Jobs;

/// <summary>The <c>Jobs</c> config section: the in-process Hangfire server.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Whether this process runs the Hangfire server (recurring ingest and digest jobs).</summary>
    public bool Server { get; set; } = true;

    /// <summary>Hangfire worker threads.</summary>
    public int WorkerCount { get; set; } = 2;

    /// <summary>Each bad setting as one line naming its key; none when all are usable. Checked at start.</summary>
    public IEnumerable<string> Problems()
    {
        if (WorkerCount is < 1 or > 64) yield return $"{JobsOptions.Section}:WorkerCount must be between 1 and 64";
    }
}
