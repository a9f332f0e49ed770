using Newsletter.Subscriptions;

namespace Newsletter.Tests.Digests;

/// <summary>When digests fall due: local hours, weekdays, and daylight-saving changes that neither skip nor double.</summary>
public class DigestScheduleTests
{
    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    [Test]
    public void Default_IsDailyAtEightUtc()
    {
        var reader = new Subscriber();

        Assert.That(DigestSchedule.NextDue(reader.Schedule, Utc(11, 24, 7, 59)), Is.EqualTo(Utc(11, 24, 8)));
        Assert.That(DigestSchedule.NextDue(reader.Schedule, Utc(11, 24, 8)), Is.EqualTo(Utc(11, 25, 8)), "strictly after");
    }

    [Test]
    public void Weekly_IsOnTheChosenWeekday_MondayByDefault()
    {
        var reader = new Subscriber { Frequency = "weekly" };

        // 24 Nov 2026 is a Tuesday: the next Monday is 30 Nov.
        Assert.That(DigestSchedule.NextDue(reader.Schedule, Utc(11, 24, 9)), Is.EqualTo(Utc(11, 30, 8)));
        Assert.That(DigestSchedule.NextDue((reader with { Weekday = 5, Hour = 17 }).Schedule, Utc(11, 24, 9)), Is.EqualTo(Utc(11, 27, 17)));
        Assert.That(DigestSchedule.PeriodKey(reader.Schedule, Utc(11, 30, 8)), Is.EqualTo("weekly:2026-W49"));
    }

    [Test]
    public void LocalHour_FollowsTheReadersTimeZone()
    {
        var newYork = new Subscriber { Hour = 8, Timezone = "America/New_York" };

        Assert.That(DigestSchedule.NextDue(newYork.Schedule, Utc(11, 24, 0)), Is.EqualTo(Utc(11, 24, 13)), "EST is UTC-5");
        Assert.That(DigestSchedule.NextDue(newYork.Schedule, Utc(7, 1, 0)), Is.EqualTo(Utc(7, 1, 12)), "EDT is UTC-4");
        Assert.That(DigestSchedule.PeriodKey(newYork.Schedule, Utc(11, 25, 3)), Is.EqualTo("daily:2026-11-24"), "still the 24th in New York");
    }

    [TestCase("Europe/Berlin", 2, 3, 20, 4, 5)]
    [TestCase("Europe/Berlin", 2, 10, 20, 11, 5)]
    [TestCase("America/New_York", 2, 3, 1, 3, 20)]
    [TestCase("America/New_York", 1, 10, 25, 11, 10)]
    public void DaylightSavingChanges_NeitherSkipNorDoubleADailyDigest(string zone, int hour, int fromMonth, int fromDay, int toMonth, int toDay)
    {
        // The hours chosen fall in the skipped or repeated local hour of 2026's transitions.
        var reader = new Subscriber { Hour = hour, Timezone = zone };
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var localDays = new List<DateTime>();
        var at = Utc(fromMonth, fromDay, 0);
        while (at < Utc(toMonth, toDay, 0))
        {
            at = DigestSchedule.NextDue(reader.Schedule, at);
            localDays.Add(TimeZoneInfo.ConvertTime(at, tz).Date);
        }

        var expected = Enumerable.Range(0, localDays.Count).Select(i => localDays[0].AddDays(i));
        Assert.That(localDays, Is.EqualTo(expected), "exactly one digest per local day");
    }

    [Test]
    public void SkippedLocalHour_HappensAtTheFirstValidTimeAfterIt()
    {
        // Berlin skips 02:00-03:00 on 29 Mar 2026; 02:00 CET would be 01:00 UTC, the first valid local time is 03:00 CEST.
        var reader = new Subscriber { Hour = 2, Timezone = "Europe/Berlin" };

        Assert.That(DigestSchedule.NextDue(reader.Schedule, Utc(3, 28, 12)), Is.EqualTo(Utc(3, 29, 1)));
        Assert.That(DigestSchedule.NextDue(reader.Schedule, Utc(3, 29, 1)), Is.EqualTo(Utc(3, 30, 0)));
    }

    [Test]
    public void RepeatedLocalHour_IsUsedOnce()
    {
        // New York repeats 01:00-02:00 on 1 Nov 2026: the digest goes at the first 01:00 (EDT, 05:00 UTC) only.
        var reader = new Subscriber { Hour = 1, Timezone = "America/New_York" };

        Assert.That(DigestSchedule.NextDue(reader.Schedule, Utc(10, 31, 12)), Is.EqualTo(Utc(11, 1, 5)));
        Assert.That(DigestSchedule.NextDue(reader.Schedule, Utc(11, 1, 5)), Is.EqualTo(Utc(11, 2, 6)));
    }
}
