using Newsletter.Digests;
using Newsletter.Listings;
using Prometheus;

namespace Newsletter.Admin;

/// <summary>
/// <c>/metrics</c> in Prometheus's text format. The list's numbers (readers, papers, digests, bounces, ingested
/// papers) are read from the database at each scrape, so they include the work of every process (a CLI
/// <c>send-due</c>, another node); planning and sending durations are this process's histograms; .NET runtime and
/// ASP.NET Core metrics come from their meters. One registry per app, so test hosts do not share numbers.
/// </summary>
public sealed class OperatorMetrics : IDisposable
{
    /// <summary>Where the metrics are served; guard it with the operator credential.</summary>
    public const string Path = "/metrics";

    private static readonly HashSet<string> ExportedMeters =
    [
        "System.Runtime", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting", DigestMetrics.MeterName,
    ];

    private readonly AdminStatsStore _stats;
    private readonly SourceRunStore _sources;
    private readonly IDisposable _meters;
    private readonly Gauge _subscribers, _papers, _digestsNow;
    private readonly Counter _digests, _bounces, _ingested;

    public OperatorMetrics(AdminStatsStore stats, SourceRunStore sources)
    {
        _stats = stats;
        _sources = sources;
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var factory = Metrics.WithCustomRegistry(Registry);
        // The runtime's meter, ASP.NET Core's (requests, connections) and DigestMetrics'; each metric's name starts
        // with its meter's (system_runtime_…, microsoft_aspnetcore_hosting_…, newsletter_digests_…).
        _meters = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            InstrumentFilterPredicate = instrument => ExportedMeters.Contains(instrument.Meter.Name),
            Registry = Registry,
            MetricFactory = factory,
            ResolveHistogramBuckets = instrument => instrument.Meter.Name == DigestMetrics.MeterName
                ? [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600]
                : MeterAdapterOptions.DefaultHistogramBuckets,
        });
        _subscribers = factory.CreateGauge("newsletter_subscribers", "Readers by state", "state");
        _papers = factory.CreateGauge("newsletter_papers", "Papers in the database");
        _digests = factory.CreateCounter("newsletter_digests_total", "Digests (ledger rows) that reached a final state: sent, failed or unknown", "state");
        _digestsNow = factory.CreateGauge("newsletter_digests", "Digests (ledger rows) in each state now, e.g. waiting in retry", "state");
        _bounces = factory.CreateCounter("newsletter_bounces_total", "Bounces and complaints recorded", "type");
        _ingested = factory.CreateCounter("newsletter_ingested_papers_total", "Listing entries read by the ingest job, by source and result (new, duplicate, rejected)", "source", "result");
        Registry.AddBeforeCollectCallback(Collect);
    }

    /// <summary>The registry <c>/metrics</c> serves.</summary>
    public CollectorRegistry Registry { get; }

    // Counters only move up (IncTo): a count that fell (rows removed by retention) reads as unchanged until it passes
    // the old value, which is what Prometheus's rate() expects of a counter.
    private void Collect()
    {
        var states = _stats.ReaderStates();
        foreach (var state in AdminOverview.ReaderStates) _subscribers.WithLabels(state).Set(states.GetValueOrDefault(state));
        _papers.Set(_stats.Papers());
        var digests = _stats.DeliveryStates();
        foreach (var state in new[] { "pending", "sending", "sent", "retry", "failed", "unknown" })
        {
            var rows = digests.GetValueOrDefault(state);
            _digestsNow.WithLabels(state).Set(rows);
            if (state is "sent" or "failed" or "unknown") _digests.WithLabels(state).IncTo(rows);
        }
        foreach (var (type, count) in _stats.BounceTotals()) _bounces.WithLabels(type).IncTo(count);
        foreach (var run in _sources.All())
        {
            _ingested.WithLabels(run.Source, "new").IncTo(run.NewTotal);
            _ingested.WithLabels(run.Source, "duplicate").IncTo(run.DuplicateTotal);
            _ingested.WithLabels(run.Source, "rejected").IncTo(run.RejectedTotal);
        }
    }

    public void Dispose() => _meters.Dispose();
}
