namespace Newsletter.Delivery;

/// <summary>The <c>Delivery</c> config section.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>Rows a sender claims at once.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>How long a claim lasts before another process may treat it as abandoned, in seconds.</summary>
    public int LeaseSeconds { get; set; } = 300;

    /// <summary>Delay before the first retry, in seconds; each later one doubles it.</summary>
    public int RetryBaseSeconds { get; set; } = 300;

    /// <summary>Attempts before a temporarily failing row is given up as failed.</summary>
    public int MaxAttempts { get; set; } = 10;
}
