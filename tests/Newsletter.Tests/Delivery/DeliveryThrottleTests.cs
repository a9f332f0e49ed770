using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Delivery;

namespace Newsletter.Tests.Delivery;

/// <summary>The shared rate limit, on a clock the test moves by hand.</summary>
public class DeliveryThrottleTests
{
    private static FakeTimeProvider Clock() => new(DateTimeOffset.Parse("2026-11-24T08:00:00Z"));

    private static DeliveryThrottle Throttle(FakeTimeProvider clock, double perSecond = 0, int perHour = 0) =>
        new(Options.Create(new DeliveryOptions { MessagesPerSecond = perSecond, MessagesPerHour = perHour }), clock);

    [Test]
    public void Throttle_IsOff_ByDefault()
    {
        var throttle = Throttle(Clock());

        Assert.That(throttle.Enabled, Is.False);
        Assert.That(Enumerable.Range(0, 1000).Select(_ => throttle.Reserve()), Is.All.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void PerSecondLimit_LetsABurstThrough_ThenSpacesTheRest()
    {
        var clock = Clock();
        var throttle = Throttle(clock, perSecond: 4);

        var waits = Enumerable.Range(0, 6).Select(_ => throttle.Reserve().TotalMilliseconds).ToList();

        Assert.That(waits, Is.EqualTo(new[] { 0.0, 0, 0, 0, 250, 500 }).Within(1));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.That(throttle.Reserve(), Is.EqualTo(TimeSpan.Zero), "an idle bucket refills");
    }

    [Test]
    public void PerHourLimit_HoldsTheNextMessage_UntilTheHourAllowsIt()
    {
        var clock = Clock();
        var throttle = Throttle(clock, perHour: 3);

        var waits = Enumerable.Range(0, 4).Select(_ => throttle.Reserve()).ToList();

        Assert.That(waits.Take(3), Is.All.EqualTo(TimeSpan.Zero));
        Assert.That(waits[3].TotalMinutes, Is.EqualTo(20).Within(0.01), "3 an hour: one every 20 minutes once the bucket is empty");
    }
}
