namespace Newsletter.Jobs;

/// <summary>The <c>Jobs</c> config section: the in-process Hangfire server and its dashboard.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Whether this process runs the Hangfire server (recurring ingest and digest jobs).</summary>
    public bool Server { get; set; } = true;

    /// <summary>Hangfire worker threads.</summary>
    public int WorkerCount { get; set; } = 2;

    /// <summary>User name for the dashboard at /hangfire when reached from another machine.</summary>
    public string DashboardUser { get; set; } = "admin";

    /// <summary>When empty, the dashboard answers only requests from this machine.</summary>
    public string DashboardPassword { get; set; } = "";
}
