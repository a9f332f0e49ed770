namespace Newsletter.Web;

/// <summary>
/// The <c>Admin</c> config section: the one operator credential for the operator pages (<c>/hangfire</c>, and the
/// dashboard and metrics to come). They always ask for it, from loopback too.
/// </summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>The operator's user name.</summary>
    public string User { get; set; } = "admin";

    /// <summary>
    /// The operator's password. Empty: <c>Jobs:DashboardPassword</c> if set, else the password kept (hashed) in the
    /// database: made at the first start and printed once in the log, or set with <c>admin password</c>.
    /// </summary>
    public string Password { get; set; } = "";

    /// <summary>Each bad setting as one line naming its key; none when all are usable. Checked at start.</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(User)) yield return $"{AdminOptions.Section}:User must not be empty";
    }
}
