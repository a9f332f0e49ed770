namespace Newsletter.Listings;

/// <summary>One configured source's part of an ingest run: every day it read, added up, and the first failure.</summary>
public sealed record SourceRunResult(string Source, int New, int Duplicate, int Rejected, int DaysRead, string? Failure)
{
    /// <summary>The run's one log line for this source.</summary>
    public override string ToString()
    {
        var counts = $"{New} new, {Duplicate} duplicate, {Rejected} rejected";
        var days = DaysRead > 1 ? $" over {DaysRead} days" : "";
        if (Failure is null) return $"ingested {Source}: {counts}{days}";
        return DaysRead == 0 ? $"cannot ingest {Source}: {Failure}" : $"ingested {Source}: {counts}{days}; then {Failure}";
    }
}
