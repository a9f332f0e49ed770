namespace Newsletter.Tests.Digests;

/// <summary>
/// A clock tests set by hand. With <see cref="TimestampStep"/> set, every reading of the stopwatch (what query
/// budgets measure) moves it on by that much, so "this query ran too long" happens after a known amount of work.
/// </summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private long _ticks;

    public DateTimeOffset Now { get; set; } = now;

    /// <summary>How far the stopwatch moves each time it is read; null reads the machine's own.</summary>
    public TimeSpan? TimestampStep { get; set; }

    public override DateTimeOffset GetUtcNow() => Now;

    public override long TimestampFrequency => TimestampStep is null ? base.TimestampFrequency : TimeSpan.TicksPerSecond;

    public override long GetTimestamp() =>
        TimestampStep is { } step ? Interlocked.Add(ref _ticks, step.Ticks) : base.GetTimestamp();
}
