using System.Text.RegularExpressions;
using MimeKit;
using Newsletter.Tests.Support;
using static Newsletter.Tests.Support.DigestWorld;

namespace Newsletter.Tests.Digests;

/// <summary>
/// Issue 11.5: one date per digest, the reader's local date it is for, in the ledger, the subject, the header, the
/// text part and the archive page. Readers on both sides of the date line are due at the same instant.
/// </summary>
public partial class DigestDateTests() : DigestWorldFixture(Confirmed)
{
    // 19:00 UTC on 30 Nov is 08:00 on 1 Dec in Auckland (UTC+13 in summer) and 11:00 on 30 Nov in Los Angeles (UTC-8).
    private static readonly DateTimeOffset Confirmed = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset BothDue = new(2026, 11, 30, 19, 0, 0, TimeSpan.Zero);

    [SetUp]
    public void SetUp()
    {
        World.AddPaper("Mamba at Scale", "Selective state spaces, trained longer.", Confirmed.AddHours(1), "A. One", 30, "2611.00001");
    }

    // The bug: a daily digest was headed "30 Nov – 3 Dec 2026", its subject said "3 Dec" and its ledger row 2 Dec.
    [TestCase("Pacific/Auckland", 8, "daily:2026-12-01", "1 Dec", "1 Dec 2026")]
    [TestCase("America/Los_Angeles", 11, "daily:2026-11-30", "30 Nov", "30 Nov 2026")]
    public async Task DatesThatDisagree_Bug_DailyDigestShowsTheReadersLocalDateEverywhere(
        string timezone, int hour, string periodKey, string subjectDate, string headerDate)
    {
        var reader = World.AddReader("reader@example.org", Confirmed, [Keyword("mamba")], hour: hour, timezone: timezone);
        Assert.That(reader.NextDueAt, Is.EqualTo(BothDue), "both readers fall due at the same instant");

        var message = await SendAsync(BothDue);

        await AssertOneDateAsync(reader.Id, message, periodKey, subjectDate, headerDate);
    }

    // After downtime the digest covers every missed day and is dated the day it goes out, in the ledger too.
    [Test]
    public async Task DigestSentAfterDowntime_IsDatedTheLocalDayItServes()
    {
        var reader = World.AddReader("reader@example.org", Confirmed, [Keyword("mamba")], hour: 8, timezone: "Pacific/Auckland");

        // 00:00 UTC on 2 Dec is 13:00 on 2 Dec in Auckland: the 1 Dec and 2 Dec slots were both missed.
        var message = await SendAsync(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));

        await AssertOneDateAsync(reader.Id, message, "daily:2026-12-02", "2 Dec", "2 Dec 2026");
    }

    [Test]
    public async Task WeeklyDigest_IsDatedByTheReadersLocalWeek()
    {
        // Mondays at 09:00 in Los Angeles: 17:00 UTC on Monday 30 Nov.
        var reader = World.AddReader("reader@example.org", Confirmed.AddDays(-5), [Keyword("mamba")], frequency: "weekly", hour: 9,
            weekday: 1, timezone: "America/Los_Angeles");

        var message = await SendAsync(new DateTimeOffset(2026, 11, 30, 17, 0, 0, TimeSpan.Zero));

        await AssertOneDateAsync(reader.Id, message, "weekly:2026-W49", "week of 30 Nov", "Week of 30 Nov 2026");
    }

    private Task<MimeMessage> SendAsync(DateTimeOffset at) => World.SendOneDigestAsync(at);

    private async Task AssertOneDateAsync(long readerId, MimeMessage message, string periodKey, string subjectDate, string headerDate)
    {
        var archive = ArchiveLink().Match(message.TextBody ?? "").Value;
        var page = await World.CreateClient().GetStringAsync(new Uri(archive).PathAndQuery);

        Assert.Multiple(() =>
        {
            Assert.That(World.Rows(readerId).Single().PeriodKey, Is.EqualTo(periodKey), "ledger");
            Assert.That(message.Subject, Does.EndWith("— " + subjectDate), "subject");
            Assert.That(message.TextBody, Does.StartWith("Newsletter · " + headerDate + "\n"), "text part");
            Assert.That(message.HtmlBody, Does.Contain("Newsletter · " + headerDate + "</p>"), "HTML header");
            Assert.That(message.HtmlBody, Does.Contain("<title>Newsletter — " + headerDate + "</title>"), "HTML title");
            Assert.That(page, Does.Contain("Newsletter · " + headerDate + "</p>"), "archive page");
            Assert.That(message.HtmlBody + message.TextBody, Does.Not.Contain(" – "), "no date range");
        });
    }

    [GeneratedRegex(@"http://localhost/digests/[A-Za-z0-9_.\-]+")]
    private static partial Regex ArchiveLink();
}
