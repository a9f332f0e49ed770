using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Delivery;
using Newsletter.Storage;
using Newsletter.Tests.Support;

namespace Newsletter.Tests.Delivery;

/// <summary>
/// The send rate limits, on a clock the test moves by hand: messages per second per node, messages per hour shared
/// by every node on the database (the same cases on both providers).
/// </summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class DeliveryThrottleTests(string provider) : OnBothProviders(provider)
{
    private static FakeTimeProvider Clock() => new(DateTimeOffset.Parse("2026-11-24T08:00:00Z"));

    private static DeliveryThrottle Throttle(Database database, TimeProvider clock, double perSecond = 0, int perHour = 0) =>
        new(Options.Create(new DeliveryOptions { MessagesPerSecond = perSecond, MessagesPerHour = perHour }), clock, new SendBudgetStore(database));

    private static TimeSpan Reserve(DeliveryThrottle throttle)
    {
        Assert.That(throttle.TryReserve(out var wait), Is.True, "a send is granted");
        return wait;
    }

    // Takes sends until the throttle says the hour is spent; returns how many it granted.
    private static int TakeAll(DeliveryThrottle throttle)
    {
        var granted = 0;
        while (throttle.TryReserve(out _)) granted++;
        return granted;
    }

    [Test]
    public void Throttle_IsOff_ByDefault()
    {
        var throttle = Throttle(Db.Database, Clock());

        Assert.That(throttle.Enabled, Is.False);
        Assert.That(Enumerable.Range(0, 1000).Select(_ => Reserve(throttle)), Is.All.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void PerSecondLimit_LetsABurstThrough_ThenSpacesTheRest()
    {
        var clock = Clock();
        var throttle = Throttle(Db.Database, clock, perSecond: 4);

        var waits = Enumerable.Range(0, 6).Select(_ => Reserve(throttle).TotalMilliseconds).ToList();

        Assert.That(waits, Is.EqualTo(new[] { 0.0, 0, 0, 0, 250, 500 }).Within(1));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.That(Reserve(throttle), Is.EqualTo(TimeSpan.Zero), "an idle bucket refills");
    }

    [Test]
    public void PerHourLimit_GrantsTheHoursSends_ThenHoldsTheNextUntilTheNextHour()
    {
        var clock = Clock();
        clock.Advance(TimeSpan.FromMinutes(15));
        var throttle = Throttle(Db.Database, clock, perHour: 3);

        Assert.That(Enumerable.Range(0, 3).Select(_ => Reserve(throttle)), Is.All.EqualTo(TimeSpan.Zero));
        Assert.That(throttle.TryReserve(out var wait), Is.False, "the hour's three are spent");
        Assert.That(wait, Is.EqualTo(TimeSpan.FromMinutes(45)), "until 09:00");

        clock.Advance(wait);
        Assert.That(TakeAll(throttle), Is.EqualTo(3), "the next hour starts afresh");
    }

    [Test]
    public async Task TwoThrottlesOnOneDatabase_NeverGrantMoreThanTheHoursLimitTogether_AndTheNextHourStartsAfresh()
    {
        var clock = Clock();
        using var second = Db.OpenSecondNode();
        var nodes = new[] { Throttle(Db.Database, clock, perHour: 700), Throttle(second, clock, perHour: 700) };

        // Each node takes from two threads at once, as its connections do.
        async Task<int> Hour() => (await Task.WhenAll(nodes.Concat(nodes).Select(node => Task.Run(() => TakeAll(node))))).Sum();

        Assert.That(await Hour(), Is.EqualTo(700), "together, exactly the hour's limit");
        Assert.That(nodes.Select(n => n.TryReserve(out _)), Is.All.False, "both hold until the next hour");
        clock.Advance(TimeSpan.FromHours(1));
        Assert.That(await Hour(), Is.EqualTo(700), "the next hour counts afresh");
    }

    [Test]
    public async Task Budget_GrantsExactlyTheLimit_ToManyNodesAskingAtOnce()
    {
        var hour = DateTimeOffset.Parse("2026-11-24T08:00:00Z");
        var nodes = Enumerable.Range(0, 6).Select(_ => Db.OpenSecondNode()).ToList();
        try
        {
            var grants = await Task.WhenAll(nodes.Select(node => Task.Run(() =>
            {
                var store = new SendBudgetStore(node);
                return Enumerable.Range(0, 40).Sum(_ => store.Take(hour, 7, 1000));
            })));

            Assert.That(grants.Sum(), Is.EqualTo(1000), "6 × 40 × 7 = 1,680 asked; 1,000 granted");
            Assert.That(new SendBudgetStore(Db.Database).Take(hour.AddHours(1), 7, 1000), Is.EqualTo(7));
            Assert.That(new SendBudgetStore(Db.Database).Forget(hour.AddHours(1)), Is.EqualTo(1), "the past hour's count is dropped");
        }
        finally
        {
            nodes.ForEach(n => n.Dispose());
        }
    }
}
