using Microsoft.Extensions.Options;

namespace Newsletter.Delivery;

/// <summary>
/// The send rate limits, gating every connection of this process. Messages per second is a token bucket of this
/// node's own (each caller reserves a token and waits until it is due, so waiting callers are served in order);
/// messages per hour is the relay's limit, shared by every node through <see cref="SendBudgetStore"/>: the sends of
/// one UTC hour, granted to this node a small block at a time.
/// </summary>
public sealed class DeliveryThrottle(IOptions<DeliveryOptions> options, TimeProvider clock, SendBudgetStore budget)
{
    private readonly Lock _lock = new();
    private readonly Bucket? _perSecond = options.Value.MessagesPerSecond > 0
        ? new Bucket(Math.Max(1, options.Value.MessagesPerSecond), options.Value.MessagesPerSecond) : null;
    private readonly int _perHour = options.Value.MessagesPerHour;
    // A block is one database round trip per about 1% of the hour's limit (at most 50 sends): cheap beside the
    // sends, and what a node may leave unused in an hour when it stops sending stays small.
    private int Block => Math.Clamp(_perHour / 100, 1, 50);
    private DateTimeOffset _hour = DateTimeOffset.MinValue;
    private int _granted;
    private DateTimeOffset? _last;

    /// <summary>True when a limit is configured.</summary>
    public bool Enabled => _perSecond is not null || _perHour > 0;

    /// <summary>
    /// Takes one send: false, with the time until the next hour, when the hour's shared budget is spent (nothing
    /// taken; ask again then); else true, with how long the caller must wait for the per-second limit.
    /// </summary>
    public bool TryReserve(out TimeSpan wait)
    {
        wait = TimeSpan.Zero;
        if (!Enabled) return true;
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            if (_perHour > 0 && !TakeFromHour(now, out wait)) return false;
            var elapsed = _last is { } last ? Math.Max(0, (now - last).TotalSeconds) : 0;
            _last = now;
            wait = TimeSpan.FromSeconds(_perSecond?.Take(elapsed) ?? 0);
            return true;
        }
    }

    /// <summary>Waits for this caller's turn.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        while (!TryReserve(out wait)) await Task.Delay(wait, clock, cancellationToken);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, cancellationToken);
    }

    private bool TakeFromHour(DateTimeOffset now, out TimeSpan untilNextHour)
    {
        var hour = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero);
        untilNextHour = hour.AddHours(1) - now;
        if (hour != _hour)
        {
            // A grant left from an earlier hour is not this hour's: the database counts each hour afresh.
            if (_hour != DateTimeOffset.MinValue) budget.Forget(hour.AddDays(-1));
            _hour = hour;
            _granted = 0;
        }
        if (_granted == 0) _granted = budget.Take(hour, Block, _perHour);
        if (_granted == 0) return false;
        _granted--;
        return true;
    }

    private sealed class Bucket(double capacity, double perSecond)
    {
        private double _tokens = double.MaxValue;

        // Refills for the time passed, takes a token (possibly going into debt) and says how long the debt lasts.
        public double Take(double elapsedSeconds)
        {
            _tokens = Math.Min(capacity, _tokens + elapsedSeconds * perSecond);
            _tokens -= 1;
            return _tokens >= 0 ? 0 : -_tokens / perSecond;
        }
    }
}
