using Newsletter.Digests;
using Newsletter.Listings;
using Newsletter.Tests.Support;
using Newsletter.Storage;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.Digests;

/// <summary>Which papers are new to a reader, per period: never twice, empty digests, catch-up, time zones.</summary>
[TestFixture(StorageProviders.Sqlite)]
[TestFixture(StorageProviders.Postgres)]
public class DigestWindowTests(string provider)
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private DigestWorld _world = null!;

    [SetUp] public void SetUp() => _world = new DigestWorld(Monday, provider);

    [TearDown] public Task TearDown() => _world.DisposeAsync().AsTask();

    private static DateTimeOffset Day(int day, int hour, int minute = 0) => Monday.AddDays(day).AddHours(hour).AddMinutes(minute);

    [Test]
    public void APaper_IsNeverSentTwice_EvenWhenReingestedOrUpdated()
    {
        var reader = _world.AddReader("r@example.org", Day(0, 1), [Keyword("mamba")]);
        var first = _world.AddPaper("Mamba Goes Multimodal", "Selective state spaces.", Day(0, 2), arxivId: "2611.00001");
        _world.Planner.PlanDue(Day(0, 8));

        _world.Clock.SetUtcNow(Day(0, 20));
        _world.Get<PaperStore>().Merge([new ListingEntry("Mamba Goes Multimodal", "Selective state spaces.") { ArxivId = "2611.00001", Upvotes = 90 }], "again");
        var second = _world.AddPaper("Mamba Kernels", "Fused scans.", Day(0, 21));
        _world.Planner.PlanDue(Day(1, 8));
        _world.Planner.PlanDue(Day(1, 8));

        Assert.That(_world.Rows(reader.Id).Select(r => DeliveryStore.Items(r).Select(i => i.Paper)), Is.EqualTo(new[] { new[] { first }, new[] { second } }));
    }

    [Test]
    public void EmptyDigest_IsNotPlanned_ButTheWindowStillAdvances()
    {
        var reader = _world.AddReader("r@example.org", Day(0, 1), [Keyword("mamba")]);
        var unrelated = _world.AddPaper("Protein Folding", "Structures.", Day(0, 2));

        var run = _world.Planner.Run(Day(0, 8));

        Assert.That((run.Readers, run.Planned, run.Empty), Is.EqualTo((1, 0, 1)));
        Assert.That(_world.Rows(reader.Id), Is.Empty);
        var after = _world.Reader(reader.Id);
        Assert.That(after.LastSeq, Is.EqualTo(unrelated));
        Assert.That(after.NextDueAt, Is.EqualTo(Day(1, 8)));
    }

    [Test]
    public async Task EmptyDigest_IsPlanned_WhenSendEmptyIsOn()
    {
        await _world.DisposeAsync();
        _world = new DigestWorld(Monday, new Dictionary<string, string?> { ["Digest:SendEmpty"] = "true" });
        var reader = _world.AddReader("r@example.org", Day(0, 1), [Keyword("mamba")]);

        Assert.That(_world.Planner.PlanDue(Day(0, 8)), Is.EqualTo(1));
        Assert.That(DeliveryStore.Items(_world.Rows(reader.Id).Single()), Is.Empty);
    }

    [Test]
    public void FirstDigest_CoversPapersSeenUpToOnePeriodBeforeConfirming()
    {
        var monday = _world.AddPaper("Mamba One", "x", Day(0, 0));
        var mondayNoon = _world.AddPaper("Mamba Two", "x", Day(0, 12));
        var thursday = _world.AddPaper("Mamba Three", "x", Day(3, 0));
        var daily = _world.AddReader("daily@example.org", Day(3, 6), [Keyword("mamba")]);
        var weekly = _world.AddReader("weekly@example.org", Day(7, 6), [Keyword("mamba")], frequency: "weekly", weekday: 1);

        _world.Planner.PlanDue(Day(3, 8));
        _world.Planner.PlanDue(Day(7, 8));

        Assert.That(_world.PapersSentTo(daily.Id), Is.EqualTo(new[] { thursday }), "from a day before confirming");
        Assert.That(_world.PapersSentTo(weekly.Id), Is.EquivalentTo(new[] { mondayNoon, thursday }), "from a week before confirming");
        Assert.That(_world.PapersSentTo(weekly.Id), Does.Not.Contain(monday));
    }

    [Test]
    public void DailyAndWeeklyReaders_EachGetEveryPaperOnce_InTheirOwnPeriods()
    {
        var daily = _world.AddReader("daily@example.org", Day(0, 1), [Keyword("mamba")]);
        var weekly = _world.AddReader("weekly@example.org", Day(0, 1), [Keyword("mamba")], frequency: "weekly", weekday: 1, hour: 9);
        var papers = new List<long>();
        for (var day = 0; day < 14; day++)
        {
            papers.Add(_world.AddPaper($"Mamba day {day}", "x", Day(day, 12)));
            // The recurring job runs every 15 minutes; a run at 08:00 and one at 09:00 cover both readers' hours.
            _world.Planner.PlanDue(Day(day + 1, 8));
            _world.Planner.PlanDue(Day(day + 1, 9));
        }

        var dailyRows = _world.Rows(daily.Id);
        Assert.That(dailyRows, Has.Count.EqualTo(14));
        Assert.That(dailyRows.Select(r => DeliveryStore.Items(r).Single().Paper), Is.EqualTo(papers));
        var weeklyRows = _world.Rows(weekly.Id);
        Assert.That(weeklyRows.Select(r => r.PeriodKey), Is.EqualTo(new[] { "weekly:2026-W48", "weekly:2026-W49", "weekly:2026-W50" }));
        // The first weekly digest was due on Monday 09:00 before the day's paper; the 08:00 run on Tuesday caught up.
        Assert.That(weeklyRows.Select(r => DeliveryStore.Items(r).Count), Is.EqualTo(new[] { 1, 6, 7 }));
        Assert.That(_world.PapersSentTo(weekly.Id), Is.EquivalentTo(papers), "every paper once");
    }

    [Test]
    public void CatchUp_AfterDowntime_PlansOneDigestCoveringTheMissedDays()
    {
        var reader = _world.AddReader("r@example.org", Day(0, 1), [Keyword("mamba")]);
        var papers = Enumerable.Range(0, 3).Select(d => _world.AddPaper($"Mamba {d}", "x", Day(d, 12))).ToList();

        // Down from day 0 to day 3: the 08:00 runs of days 1, 2 and 3 never happened.
        var planned = _world.Planner.PlanDue(Day(3, 9, 30));
        var again = _world.Planner.PlanDue(Day(3, 9, 45));

        Assert.That((planned, again), Is.EqualTo((1, 0)));
        Assert.That(_world.PapersSentTo(reader.Id), Is.EquivalentTo(papers));
        Assert.That(_world.Reader(reader.Id).NextDueAt, Is.EqualTo(Day(4, 8)), "back on the reader's schedule");
    }

    [Test]
    public void ReaderInNewYork_IsDueAtTheirLocalHour()
    {
        var reader = _world.AddReader("ny@example.org", Day(0, 1), [Keyword("mamba")], timezone: "America/New_York");
        _world.AddPaper("Mamba", "x", Day(0, 2));

        Assert.That(_world.Planner.PlanDue(Day(0, 12, 59)), Is.Zero, "08:00 EST is 13:00 UTC");
        Assert.That(_world.Planner.PlanDue(Day(0, 13)), Is.EqualTo(1));
        Assert.That(_world.Rows(reader.Id).Single().PeriodKey, Is.EqualTo("daily:2026-11-23"));
    }

    [TestCase("Europe/Berlin", 2, 2026, 10, 23)]
    [TestCase("Europe/Berlin", 2, 2026, 3, 27)]
    [TestCase("America/New_York", 1, 2026, 10, 30)]
    [TestCase("America/New_York", 2, 2026, 3, 6)]
    public void DaylightSavingChange_NeitherSkipsNorDoublesADigest(string zone, int hour, int year, int month, int day)
    {
        var start = new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero);
        var reader = _world.AddReader("dst@example.org", start, [Keyword("mamba")], hour: hour, timezone: zone);
        // One paper every six hours, and the recurring job every 15 minutes, across the change.
        for (var at = start; at < start.AddDays(4); at = at.AddMinutes(15))
        {
            if (at.Minute == 0 && at.Hour % 6 == 3) _world.AddPaper($"Mamba {at:MMddHH}", "x", at);
            _world.Planner.PlanDue(at);
        }

        var keys = _world.Rows(reader.Id).Select(r => r.PeriodKey).ToList();
        Assert.That(keys, Is.Not.Empty);
        var firstDay = DateOnly.ParseExact(keys[0]["daily:".Length..], "yyyy-MM-dd");
        Assert.That(keys, Is.EqualTo(Enumerable.Range(0, keys.Count).Select(i => $"daily:{firstDay.AddDays(i):yyyy-MM-dd}")));
        Assert.That(keys, Has.Count.GreaterThanOrEqualTo(3));
        Assert.That(_world.PapersSentTo(reader.Id), Is.Unique);
    }
}
