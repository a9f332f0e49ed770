using Microsoft.Extensions.Options;

namespace Newsletter.Delivery;

/// <summary>
/// The shared send rate limit: token buckets for messages per second and per hour, gating every connection of
/// this process. Each caller reserves a token and waits until it is due, so waiting callers are served in order.
/// </summary>
public sealed class DeliveryThrottle(IOptions<DeliveryOptions> options, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private readonly Bucket? _perSecond = options.Value.MessagesPerSecond > 0
        ? new Bucket(Math.Max(1, options.Value.MessagesPerSecond), options.Value.MessagesPerSecond) : null;
    private readonly Bucket? _perHour = options.Value.MessagesPerHour > 0
        ? new Bucket(options.Value.MessagesPerHour, options.Value.MessagesPerHour / 3600.0) : null;
    private DateTimeOffset? _last;

    /// <summary>True when a limit is configured.</summary>
    public bool Enabled => _perSecond is not null || _perHour is not null;

    /// <summary>Takes one token; returns how long the caller must wait before sending (zero when one was free).</summary>
    public TimeSpan Reserve()
    {
        if (!Enabled) return TimeSpan.Zero;
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            var elapsed = _last is { } last ? Math.Max(0, (now - last).TotalSeconds) : 0;
            _last = now;
            var wait = Math.Max(_perSecond?.Take(elapsed) ?? 0, _perHour?.Take(elapsed) ?? 0);
            return TimeSpan.FromSeconds(wait);
        }
    }

    /// <summary>Waits for this caller's turn.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        var wait = Reserve();
        if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, cancellationToken);
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
