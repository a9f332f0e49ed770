using System.Globalization;

namespace Newsletter.Subscriptions;

/// <summary>
/// The one date a digest is for: the reader's local date of the slot it serves (daily), or the Monday of that
/// slot's local ISO week (weekly). The planner works it out once and stores it as the ledger row's period key;
/// the subject, the header and the archive page all read it back from that key, so they cannot disagree.
/// </summary>
public readonly record struct DigestPeriod(bool Weekly, DateOnly Date)
{
    private const string DailyPrefix = "daily:", WeeklyPrefix = "weekly:";

    /// <summary>The period of a slot whose local date is <paramref name="localDate"/>.</summary>
    public static DigestPeriod Of(bool weekly, DateOnly localDate) =>
        weekly
            ? new(true, DateOnly.FromDateTime(ISOWeek.ToDateTime(
                ISOWeek.GetYear(localDate.ToDateTime(TimeOnly.MinValue)),
                ISOWeek.GetWeekOfYear(localDate.ToDateTime(TimeOnly.MinValue)), DayOfWeek.Monday)))
            : new(false, localDate);

    /// <summary>The ledger's period key: <c>daily:2026-12-02</c> or <c>weekly:2026-W49</c>.</summary>
    public string Key
    {
        get
        {
            if (!Weekly) return DailyPrefix + Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var monday = Date.ToDateTime(TimeOnly.MinValue);
            return string.Create(CultureInfo.InvariantCulture, $"{WeeklyPrefix}{ISOWeek.GetYear(monday)}-W{ISOWeek.GetWeekOfYear(monday):00}");
        }
    }

    /// <summary>The period a key names, or null for a key in another format (rows made by hand or by old code).</summary>
    public static DigestPeriod? Parse(string key)
    {
        var invariant = CultureInfo.InvariantCulture;
        if (key.StartsWith(DailyPrefix, StringComparison.Ordinal))
        {
            return DateOnly.TryParseExact(key.AsSpan(DailyPrefix.Length), "yyyy-MM-dd", invariant, DateTimeStyles.None, out var day)
                ? new DigestPeriod(false, day)
                : null;
        }
        if (!key.StartsWith(WeeklyPrefix, StringComparison.Ordinal)) return null;
        var week = key.AsSpan(WeeklyPrefix.Length);
        var w = week.IndexOf("-W", StringComparison.Ordinal);
        if (w < 0
            || !int.TryParse(week[..w], NumberStyles.None, invariant, out var year)
            || !int.TryParse(week[(w + 2)..], NumberStyles.None, invariant, out var number)
            || year is < 1 or > 9998 || number < 1 || number > ISOWeek.GetWeeksInYear(year))
            return null;
        return new DigestPeriod(true, DateOnly.FromDateTime(ISOWeek.ToDateTime(year, number, DayOfWeek.Monday)));
    }

    /// <summary>As a subject ends: "2 Dec", or "week of 30 Nov".</summary>
    public string Short => (Weekly ? "week of " : "") + Date.ToString("d MMM", CultureInfo.InvariantCulture);

    /// <summary>As a header reads: "2 Dec 2026", or "Week of 30 Nov 2026".</summary>
    public string Long => (Weekly ? "Week of " : "") + Date.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
