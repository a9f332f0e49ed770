namespace Newsletter.Jobs;

/// <summary>The <c>Jobs</c> config section: the in-process Hangfire server and its dashboard.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Whether this process runs the Hangfire server (recurring ingest and digest jobs).</summary>
    public bool Server { get; set; } = true;

    /// <summary>Hangfire worker threads.</summary>
    public int WorkerCount { get; set; } = 2;

    /// <summary>Older name for <c>Admin:User</c>, used with <see cref="DashboardPassword"/>.</summary>
    public string DashboardUser { get; set; } = "admin";

    /// <summary>Older name for the operator password: used when <c>Admin:Password</c> is empty.</summary>
    public string DashboardPassword { get; set; } = "";
}
