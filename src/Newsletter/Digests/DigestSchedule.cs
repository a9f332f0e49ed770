using Newsletter.Subscriptions;

namespace Newsletter.Digests;

/// <summary>When a reader's digests fall due: their local hour, daily or on their weekday, in their time zone.</summary>
public static class DigestSchedule
{
    /// <summary>The first due time strictly after <paramref name="after"/>.</summary>
    public static DateTimeOffset NextDue(Subscriber subscriber, DateTimeOffset after)
    {
        var zone = FindZone(subscriber.Timezone);
        var localAfter = TimeZoneInfo.ConvertTime(after, zone);
        for (var day = -1; day <= 8; day++)
        {
            var date = localAfter.Date.AddDays(day);
            if (subscriber.Frequency == "weekly" && (int)date.DayOfWeek != subscriber.Weekday) continue;
            var candidate = ToUtc(date.AddHours(subscriber.Hour), zone);
            if (candidate > after) return candidate;
        }
        throw new InvalidOperationException($"No due time found for subscriber {subscriber.Id}");
    }

    /// <summary>The period a digest due at <paramref name="dueAt"/> belongs to: its local date or ISO week.</summary>
    public static string PeriodKey(Subscriber subscriber, DateTimeOffset dueAt)
    {
        var local = TimeZoneInfo.ConvertTime(dueAt, FindZone(subscriber.Timezone)).DateTime;
        return subscriber.Frequency == "weekly"
            ? $"weekly:{System.Globalization.ISOWeek.GetYear(local)}-W{System.Globalization.ISOWeek.GetWeekOfYear(local):00}"
            : $"daily:{local:yyyy-MM-dd}";
    }

    /// <summary>The length of one period for that reader.</summary>
    public static TimeSpan Period(Subscriber subscriber) => subscriber.Frequency == "weekly" ? TimeSpan.FromDays(7) : TimeSpan.FromDays(1);

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
