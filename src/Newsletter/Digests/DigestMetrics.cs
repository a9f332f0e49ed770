using System.Diagnostics.Metrics;

namespace Newsletter.Digests;

/// <summary>
/// How long this process's digest runs take to plan and to send, as .NET histograms (exported on <c>/metrics</c> as <c>newsletter_digests_planning_seconds</c> and <c>…_sending_seconds</c>).
/// Counts live in the database (every process's work); durations are only this process's.
/// </summary>
public static class DigestMetrics
{
    /// <summary>The meter's name, for exporters that list the meters they read.</summary>
    public const string MeterName = "Newsletter.Digests";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> Planning = Meter.CreateHistogram<double>(
        "planning_seconds", "s", "Time one digest run spent planning (matching and freezing ledger rows)");
    private static readonly Histogram<double> Sending = Meter.CreateHistogram<double>(
        "sending_seconds", "s", "Time one digest run spent sending the ledger rows due");

    /// <summary>Records one run's two phases.</summary>
    public static void Record(TimeSpan planning, TimeSpan sending)
    {
        Planning.Record(planning.TotalSeconds);
        Sending.Record(sending.TotalSeconds);
    }
}
