namespace Newsletter.Admin;

/// <summary>One count on one UTC day (<c>yyyy-MM-dd</c>) for one series (a state, an event, a source).</summary>
public sealed record DayCount
{
    public string Day { get; init; } = "";
    public string Series { get; init; } = "";
    public long Count { get; init; }
}
