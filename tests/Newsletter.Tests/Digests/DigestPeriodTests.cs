using Newsletter.Subscriptions;

namespace Newsletter.Tests.Digests;

/// <summary>The one date of a digest: its ledger key, read back for the subject and header, and the slot it serves.</summary>
public class DigestPeriodTests
{
    [TestCase("daily:2026-12-01", false, "2026-12-01", "1 Dec", "1 Dec 2026")]
    [TestCase("weekly:2026-W49", true, "2026-11-30", "week of 30 Nov", "Week of 30 Nov 2026")]
    [TestCase("weekly:2027-W01", true, "2027-01-04", "week of 4 Jan", "Week of 4 Jan 2027")]
    [TestCase("weekly:2026-W53", true, "2026-12-28", "week of 28 Dec", "Week of 28 Dec 2026")]
    public void Key_ReadsBackAsTheDateItNames(string key, bool weekly, string date, string shortText, string longText)
    {
        var period = DigestPeriod.Parse(key);

        Assert.That(period, Is.EqualTo(new DigestPeriod(weekly, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(period!.Value.Key, Is.EqualTo(key), "round trip");
        Assert.That((period.Value.Short, period.Value.Long), Is.EqualTo((shortText, longText)));
    }

    [TestCase("")]
    [TestCase("2026-12-01")]
    [TestCase("daily:2026-13-01")]
    [TestCase("weekly:2026-W54")]
    [TestCase("weekly:2026-W0")]
    [TestCase("weekly:-W12")]
    [TestCase("weekly:99999999999-W01")]
    public void KeyInAnotherFormat_IsNotADate(string key) => Assert.That(DigestPeriod.Parse(key), Is.Null);

    [Test]
    public void WeeklyPeriod_IsTheMondayOfTheLocalIsoWeek_EvenForASundaySlot()
    {
        var sundays = new Subscriber { Frequency = "weekly", Weekday = 0, Hour = 20, Timezone = "Pacific/Auckland" };

        // 07:00 UTC on Sunday 6 Dec is 20:00 that Sunday in Auckland: ISO week 49, which began on Monday 30 Nov.
        Assert.That(DigestSchedule.PeriodOf(sundays.Schedule, new DateTimeOffset(2026, 12, 6, 7, 0, 0, TimeSpan.Zero)),
            Is.EqualTo(new DigestPeriod(true, new DateOnly(2026, 11, 30))));
    }

    [Test]
    public void LastDue_IsTheLatestSlotReached_InTheReadersZone()
    {
        var auckland = new Subscriber { Hour = 8, Timezone = "Pacific/Auckland" };

        // 00:00 UTC on 2 Dec is 13:00 on 2 Dec in Auckland: that morning's slot (19:00 UTC on 1 Dec) was the last one.
        Assert.That(DigestSchedule.LastDue(auckland.Schedule, new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero)),
            Is.EqualTo(new DateTimeOffset(2026, 12, 1, 19, 0, 0, TimeSpan.Zero)));
        Assert.That(DigestSchedule.LastDue(auckland.Schedule, new DateTimeOffset(2026, 12, 1, 19, 0, 0, TimeSpan.Zero)),
            Is.EqualTo(new DateTimeOffset(2026, 12, 1, 19, 0, 0, TimeSpan.Zero)), "a slot is reached at its own time");
    }
}
