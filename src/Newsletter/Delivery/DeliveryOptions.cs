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

    /// <summary>Total time a row keeps being retried: the sum of the backoff delays before it is given up.</summary>
    public TimeSpan RetrySpan => TimeSpan.FromSeconds(RetryBaseSeconds * (Math.Pow(2, Math.Max(0, MaxAttempts - 1)) - 1));

    /// <summary>The delay after the given failed attempt (1-based): base × 2^(attempt−1).</summary>
    public TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromSeconds(RetryBaseSeconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30)));
}
