namespace Newsletter.Digests;

/// <summary>One recorded digest run: when it started, what planning and sending did, and how long each took.</summary>
public sealed record DigestRun
{
    public DateTimeOffset StartedAt { get; init; }
    public int Readers { get; init; }
    public int Planned { get; init; }
    public int Empty { get; init; }
    public int Sent { get; init; }
    public long PlanMs { get; init; }
    public long SendMs { get; init; }
}
