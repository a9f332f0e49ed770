namespace Newsletter.Subscriptions;

/// <summary>When a reader wants their digest: daily or weekly (on <see cref="Weekday"/>), at <see cref="Hour"/> in <see cref="Timezone"/>.</summary>
public readonly record struct ReaderSchedule(string Frequency, int Weekday, int Hour, string Timezone)
{
    public bool IsWeekly => Frequency == "weekly";
}
