namespace Newsletter.Subscriptions;

/// <summary>When a reader's digests fall due: their local hour, daily or on their weekday, in their time zone.</summary>
public static class DigestSchedule
{
    /// <summary>The first due time strictly after <paramref name="after"/>.</summary>
    public static DateTimeOffset NextDue(ReaderSchedule schedule, DateTimeOffset after)
    {
        var zone = FindZone(schedule.Timezone);
        var localAfter = TimeZoneInfo.ConvertTime(after, zone);
        for (var day = -1; day <= 8; day++)
        {
            var date = localAfter.Date.AddDays(day);
            if (schedule.IsWeekly && (int)date.DayOfWeek != schedule.Weekday) continue;
            var candidate = ToUtc(date.AddHours(schedule.Hour), zone);
            if (candidate > after) return candidate;
        }
        throw new InvalidOperationException($"No due time found for the schedule {schedule}");
    }

    /// <summary>
    /// The latest due time at or before <paramref name="at"/>: the slot a digest planned at <paramref name="at"/>
    /// serves (after downtime, the last slot missed rather than the first).
    /// </summary>
    public static DateTimeOffset LastDue(ReaderSchedule schedule, DateTimeOffset at)
    {
        var zone = FindZone(schedule.Timezone);
        var localAt = TimeZoneInfo.ConvertTime(at, zone);
        for (var day = 1; day >= -8; day--)
        {
            var date = localAt.Date.AddDays(day);
            if (schedule.IsWeekly && (int)date.DayOfWeek != schedule.Weekday) continue;
            var candidate = ToUtc(date.AddHours(schedule.Hour), zone);
            if (candidate <= at) return candidate;
        }
        throw new InvalidOperationException($"No due time found for the schedule {schedule}");
    }

    /// <summary>The period the slot at <paramref name="slotAt"/> belongs to: its local date or ISO week.</summary>
    public static DigestPeriod PeriodOf(ReaderSchedule schedule, DateTimeOffset slotAt)
    {
        var local = TimeZoneInfo.ConvertTime(slotAt, FindZone(schedule.Timezone));
        return DigestPeriod.Of(schedule.IsWeekly, DateOnly.FromDateTime(local.DateTime));
    }

    /// <summary>The ledger key of the period the slot at <paramref name="slotAt"/> belongs to (see <see cref="DigestPeriod.Key"/>).</summary>
    public static string PeriodKey(ReaderSchedule schedule, DateTimeOffset slotAt) => PeriodOf(schedule, slotAt).Key;

    /// <summary>The length of one period for that reader.</summary>
    public static TimeSpan Period(ReaderSchedule schedule) => schedule.IsWeekly ? TimeSpan.FromDays(7) : TimeSpan.FromDays(1);

    public static TimeZoneInfo FindZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    private static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        // A local hour skipped by a daylight-saving jump happens at the first valid minute after it.
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset).ToUniversalTime();
    }
}
