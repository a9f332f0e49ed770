using MimeKit;

namespace Newsletter.Delivery;

/// <summary>The <c>Delivery</c> config section.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>Parallel SMTP connections (workers), each reused for many messages.</summary>
    public int Connections { get; set; } = 4;

    /// <summary>Rows a worker claims at once.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>How long a claim lasts before another process may treat it as abandoned, in seconds.</summary>
    public int LeaseSeconds { get; set; } = 300;

    /// <summary>Delay before the first retry, in seconds; each later one doubles it.</summary>
    public int RetryBaseSeconds { get; set; } = 300;

    /// <summary>Attempts before a temporarily failing row is given up as failed.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Most messages per second over all connections; 0 means no limit.</summary>
    public double MessagesPerSecond { get; set; }

    /// <summary>Most messages per hour over all connections; 0 means no limit.</summary>
    public int MessagesPerHour { get; set; }

    /// <summary>Permanent recipient refusals after which a reader is suppressed; 0 never suppresses.</summary>
    public int HardBounceLimit { get; set; } = 1;

    /// <summary>
    /// When set (e.g. <c>bounces@example.org</c>), each message's envelope sender becomes
    /// <c>bounces+&lt;ledger id&gt;@example.org</c> (VERP), so a bounce names the row it is about.
    /// </summary>
    public string ReturnPath { get; set; } = "";

    /// <summary>
    /// Days a finished ledger row (sent, failed, unknown) and its frozen papers are kept after it was planned; older
    /// ones are removed in small batches by <see cref="LedgerRetentionJob"/>. 0 keeps every row.
    /// </summary>
    public int KeepDays { get; set; } = 365;

    /// <summary>Total time a row keeps being retried: the sum of the backoff delays before it is given up.</summary>
    public TimeSpan RetrySpan => TimeSpan.FromSeconds(RetryBaseSeconds * (Math.Pow(2, Math.Max(0, MaxAttempts - 1)) - 1));

    /// <summary>The delay after the given failed attempt (1-based): base × 2^(attempt−1).</summary>
    public TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromSeconds(RetryBaseSeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30)));

    /// <summary>Each bad setting as one line naming its key; none when all are usable. Checked at start.</summary>
    public IEnumerable<string> Problems()
    {
        const string s = DeliveryOptions.Section;
        if (Connections is < 1 or > 64) yield return $"{s}:Connections: {Connections} is not between 1 and 64";
        if (BatchSize is < 1 or > 10_000) yield return $"{s}:BatchSize: {BatchSize} is not between 1 and 10000";
        if (LeaseSeconds < 2) yield return $"{s}:LeaseSeconds: must be at least 2";
        if (RetryBaseSeconds < 1) yield return $"{s}:RetryBaseSeconds: must be at least 1";
        if (MaxAttempts is < 1 or > 30) yield return $"{s}:MaxAttempts: {MaxAttempts} is not between 1 and 30";
        if (MessagesPerSecond < 0 || double.IsNaN(MessagesPerSecond))
            yield return $"{s}:MessagesPerSecond: must be 0 (no limit) or more";
        if (MessagesPerHour < 0) yield return $"{s}:MessagesPerHour: must be 0 (no limit) or more";
        if (KeepDays is < 0 or > 36_500) yield return $"{s}:KeepDays: {KeepDays} is not between 0 (keep every row) and 36500";
        if (HardBounceLimit < 0) yield return $"{s}:HardBounceLimit: must be 0 (never suppress) or more";
        if (!string.IsNullOrWhiteSpace(ReturnPath)
            && (!MailboxAddress.TryParse(ReturnPath, out var address) || address.Address.IndexOf('@') <= 0 || address.Address.Contains('+')))
            yield return $"{s}:ReturnPath: '{ReturnPath}' is not a plain address such as bounces@example.org";
    }
}
