namespace Newsletter.Tests.Listings;

/// <summary>A clock that always says the same time, for tests that depend on "today".</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
